/**
 * Samples of rejected events, end to end in workerd: the consumer keeps at most REJECTED_SAMPLES_PER_PATH_HOUR
 * per tenant, path and hour in R2, GET /v1/quality/samples lists and downloads them for the token's tenant only,
 * and the hourly cron deletes them after 7 days.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { gunzip } from "../../src/core/exports/gzip.js";
import { DEFAULT_QUALITY } from "../../src/core/foundation/config.js";
import { rejectedPrefix } from "../../src/core/quality/rejected-sample-key.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { eventsRequest, type Sender, senderFor } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { bearer, readerToken } from "../support/tokens.js";
import { callWorker, collectorRequest, runCron } from "../support/worker.js";

const play = seedEvents().find((event) => event.type === "playevent")!;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Listing {
  samples: Array<{ key: string; size: number; path: string; codes: string }>;
  cursor?: string;
}

/** Posts `requests` requests, each of one valid event and one whose playable.id is a number; returns the bodies. */
async function postRejections(sender: Sender, requests: number): Promise<string[]> {
  const recorder = recordingQueue({ forwardTo: null });
  for (let index = 0; index < requests; index++) {
    const valid = { ...play, sequencenumber: 2 * index + 1 };
    const invalid = { ...play, sequencenumber: 2 * index + 2, playable: { id: 42 + index } };
    const response = await callWorker(await eventsRequest(sender, [valid, invalid]), { EVENTS: recorder.queue });
    expect(response.status).toBe(202);
  }
  return recorder.bodies();
}

async function get(tenant: string, path: string): Promise<Response> {
  return callWorker(
    collectorRequest(`/v1/quality/samples${path}`, { headers: bearer(await readerToken(tenant, "insights:read")) }),
  );
}

async function listing(tenant: string, query = ""): Promise<Listing> {
  const response = await get(tenant, query);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Listing;
}

/** The message bodies with every receivedat (events and report samples) moved to `receivedat`. */
function receivedAt(bodies: readonly string[], receivedat: string): string[] {
  return bodies.map((body) => {
    const message = JSON.parse(body) as {
      events: Record<string, unknown>[];
      report?: { samples: Record<string, unknown>[] };
    };
    for (const event of message.events) event.receivedat = receivedat;
    for (const sample of message.report?.samples ?? []) sample.receivedat = receivedat;
    return JSON.stringify(message);
  });
}

describe("the samples of rejected events", () => {
  it("are kept at most REJECTED_SAMPLES_PER_PATH_HOUR per path and hour, each the event as sent with its errors", async () => {
    const sender = senderFor(uniqueTenant("samples"));
    await deliver(asQueuedMessages(await postRejections(sender, 30)));

    const { samples } = await listing(sender.tenant);
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.length).toBeLessThanOrEqual(DEFAULT_QUALITY.samplesPerPathHour);
    expect(new Set(samples.map((sample) => sample.path))).toEqual(new Set(["playable.id"]));

    const response = await get(sender.tenant, `/${samples[0]!.key}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    const text = new TextDecoder().decode(await gunzip(new Uint8Array(await response.arrayBuffer())));
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ path: "playable.id", receivedat: expect.any(String), errorcount: expect.any(Number) });
    expect((line.event as { playable: { id: unknown } }).playable.id).toEqual(expect.any(Number));
    expect((line.errors as Array<{ path: string }>)[0]!.path).toBe("playable.id");
  });

  it("are the token's tenant's only: another tenant lists none and gets 404 for the key", async () => {
    const sender = senderFor(uniqueTenant("samples-mine"));
    await deliver(asQueuedMessages(await postRejections(sender, 2)));
    const [sample] = (await listing(sender.tenant)).samples;
    expect(sample).toBeDefined();

    const other = uniqueTenant("samples-other");
    expect((await listing(other)).samples).toEqual([]);
    const stolen = await get(other, `/${sample!.key}`);
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await get(other, `?cursor=${encodeURIComponent(sample!.key)}`)).status).toBe(400);
  });

  it("are deleted by the hourly cron once older than 7 days", async () => {
    const sender = senderFor(uniqueTenant("samples-old"));
    const now = Date.now();
    const old = new Date(now - 8 * DAY_MS).toISOString();
    const recent = new Date(now - 6 * DAY_MS).toISOString();
    const bodies = await postRejections(sender, 4);
    await deliver(asQueuedMessages(receivedAt(bodies.slice(0, 2), old)));
    await deliver(asQueuedMessages(receivedAt(bodies.slice(2), recent)));
    const stored = async () =>
      (await env.EXPORTS.list({ prefix: rejectedPrefix(sender.tenant) })).objects.map((object) => object.key);
    const before = await stored();
    expect(before.some((key) => key.includes(old.slice(0, 10)))).toBe(true);
    expect(before.some((key) => key.includes(recent.slice(0, 10)))).toBe(true);

    await runCron(now);

    const after = await stored();
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((key) => key.includes(recent.slice(0, 10)))).toBe(true);
  });

  it("take from, to, limit and cursor, and refuse a bad query with 400 invalid_query", async () => {
    const sender = senderFor(uniqueTenant("samples-pages"));
    const bodies = await postRejections(sender, 12);
    const days = [3, 2, 1].map((ago) => new Date(Date.now() - ago * DAY_MS).toISOString());
    for (const [index, day] of days.entries()) {
      await deliver(asQueuedMessages(receivedAt(bodies.slice(4 * index, 4 * index + 4), day)));
    }
    const all = (await listing(sender.tenant)).samples.map((sample) => sample.key);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect([...all].sort()).toEqual(all);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page: Listing = await listing(
        sender.tenant,
        `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      paged.push(...page.samples.map((sample) => sample.key));
      cursor = page.cursor;
    } while (cursor);
    expect(paged).toEqual(all);

    const day = days[1]!.slice(0, 10);
    const oneDay = (await listing(sender.tenant, `?from=${day}&to=${day}`)).samples;
    expect(oneDay.length).toBeGreaterThan(0);
    expect(oneDay.every((sample) => sample.key.includes(`/${day}/`))).toBe(true);

    for (const query of ["?from=2026-01-01&to=2026-02-01", "?limit=0", "?day=1", "?to=2026-02-30"]) {
      const response = await get(sender.tenant, query);
      expect(response.status, query).toBe(400);
    }
  });
});
