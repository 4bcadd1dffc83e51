/**
 * The data quality counts, end to end in workerd: a known mix of valid and invalid events from two client
 * versions, posted through the real Worker (its queue recorded) and consumed by its queue handler, reads back
 * from GET /v1/quality/* as exact counts by type, client version, error code and path, beside the exported
 * counts of the same keys; redelivery counts nothing twice; another tenant sees none of it.
 * @module
 */
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { qualitySummarySchema, type QualitySummary } from "../../src/core/quality/quality-summary-schema.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { eventsRequest, type Sender, senderFor } from "../support/ingest.js";
import { sweepShardsAt } from "../support/ledger.js";
import { recordingQueue } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { bearer, readerToken } from "../support/tokens.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const play = seedEvents().find((event) => event.type === "playevent")!;

function version(clientversion: string, sequencenumber: number, change: Record<string, unknown> = {}) {
  return { ...play, clientversion, sequencenumber, ...change };
}

const badPlayableId = (event: Record<string, unknown>) => ({
  ...event,
  playable: { ...(event.playable as Record<string, unknown>), id: 42 },
});

/** Posts `events` as the sender; returns the status and the message bodies the edge queued (and sent alone). */
async function post(sender: Sender, events: readonly unknown[]): Promise<{ status: number; bodies: string[] }> {
  const recorder = recordingQueue({ forwardTo: null });
  const response = await callWorker(await eventsRequest(sender, events), { EVENTS: recorder.queue });
  return { status: response.status, bodies: recorder.bodies() };
}

async function qualityOf(tenant: string, path: string): Promise<QualitySummary> {
  const response = await callWorker(
    collectorRequest(`/v1/quality/${path}`, { headers: bearer(await readerToken(tenant, "insights:read")) }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return qualitySummarySchema.parse(await response.json());
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Version 1.0: 3 valid, 2 with playable.id a number. Version 2.0: 1 valid, 1 with playable.id a number, 1 whose
 * type is unknown; then a request of 2.0 where every event is invalid (it queues nothing: its report goes alone).
 */
async function postKnownMix(sender: Sender): Promise<string[]> {
  const first = await post(sender, [
    version("1.0", 1),
    badPlayableId(version("1.0", 2)),
    version("1.0", 3),
    badPlayableId(version("1.0", 4)),
    version("1.0", 5),
  ]);
  const second = await post(sender, [
    version("2.0", 6),
    badPlayableId(version("2.0", 7)),
    version("2.0", 8, { type: "nosuchevent" }),
  ]);
  const third = await post(sender, [badPlayableId(version("2.0", 9)), badPlayableId(version("2.0", 10))]);
  expect([first.status, second.status, third.status]).toEqual([202, 202, 400]);
  expect(third.bodies).toHaveLength(1);
  return [...first.bodies, ...second.bodies, ...third.bodies];
}

describe("the quality counts", () => {
  it("count every rejected event by path, code, type and client version beside the exported ones", async () => {
    const sender = senderFor(uniqueTenant("quality"));
    const bodies = await postKnownMix(sender);
    expect((await deliver(asQueuedMessages(bodies))).retried).toEqual([]);

    const daily = await qualityOf(sender.tenant, `daily?from=${today()}&to=${today()}`);
    const day = daily.periods[0]!;
    expect(day.period).toBe(today());
    expect(day.accepted).toBe(4);
    expect(day.rejected).toBe(6);
    expect(day.by.clientversion).toEqual({
      "1.0": { accepted: 3, rejected: 2 },
      "2.0": { accepted: 1, rejected: 4 },
    });
    expect(day.by.client).toEqual({ [String(play.client)]: { accepted: 4, rejected: 6 } });
    expect(day.by.type).toEqual({
      playevent: { accepted: 4, rejected: 5 },
      nosuchevent: { accepted: 0, rejected: 1 },
    });
    expect(day.by.path).toEqual({ "playable.id": 5, type: 1 });
    expect(day.by.code).toEqual({ invalid_type: 5, invalid_union: 1 });
    expect(daily.totals).toEqual({ accepted: 4, rejected: 6, by: day.by });
  });

  it("count the same in the realtime view's minute and the monthly view's month", async () => {
    const sender = senderFor(uniqueTenant("quality-views"));
    const bodies = await postKnownMix(sender);
    await deliver(asQueuedMessages(bodies));

    const realtime = await qualityOf(sender.tenant, "realtime");
    expect(realtime.periods).toHaveLength(60);
    expect(realtime.totals.rejected).toBe(6);
    expect(realtime.totals.by.path).toEqual({ "playable.id": 5, type: 1 });
    const monthly = await qualityOf(sender.tenant, "monthly");
    expect(monthly.periods.at(-1)!.rejected).toBe(6);
    expect(monthly.periods.at(-1)!.accepted).toBe(4);
  });

  it("count the same once the shards fold the day's minutes into its day rows, the lone report's counts too", async () => {
    const sender = senderFor(uniqueTenant("quality-fold"));
    await deliver(asQueuedMessages(await postKnownMix(sender)));
    const before = await qualityOf(sender.tenant, `daily?from=${today()}&to=${today()}`);

    await sweepShardsAt(sender.tenant, Date.parse(`${today()}T00:00:00Z`) + 2 * 24 * 60 * 60 * 1000);

    expect(await qualityOf(sender.tenant, `daily?from=${today()}&to=${today()}`)).toEqual(before);
    expect([before.totals.accepted, before.totals.rejected]).toEqual([4, 6]);
  });

  it("count nothing twice when the queue redelivers the messages", async () => {
    const sender = senderFor(uniqueTenant("quality-again"));
    const bodies = await postKnownMix(sender);
    await deliver(asQueuedMessages(bodies));
    await deliver(asQueuedMessages(bodies));

    const day = (await qualityOf(sender.tenant, `daily?from=${today()}&to=${today()}`)).periods[0]!;
    expect([day.accepted, day.rejected]).toEqual([4, 6]);
    expect(day.by.path).toEqual({ "playable.id": 5, type: 1 });
  });

  it("are the token's tenant's only", async () => {
    const sender = senderFor(uniqueTenant("quality-mine"));
    await deliver(asQueuedMessages(await postKnownMix(sender)));

    const other = await qualityOf(uniqueTenant("quality-other"), `daily?from=${today()}&to=${today()}`);
    expect(other.totals).toEqual({
      accepted: 0,
      rejected: 0,
      by: { type: {}, client: {}, clientversion: {}, code: {}, path: {} },
    });
  });

  it("take the summaries' query rules: a bad or unknown parameter is 400 invalid_query", async () => {
    const token = await readerToken(uniqueTenant("quality-query"), "insights:read");
    for (const path of ["daily?from=2026-13-01", "monthly?from=2026-05&to=2025-05", "realtime?x=1", "daily?day=1"]) {
      const response = await callWorker(collectorRequest(`/v1/quality/${path}`, { headers: bearer(token) }));
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    }
    const device = await callWorker(
      collectorRequest("/v1/quality/daily", { headers: bearer(await readerToken("any", "events:write")) }),
    );
    expect(device.status).toBe(403);
  });
});
