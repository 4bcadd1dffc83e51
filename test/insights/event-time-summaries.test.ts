/**
 * The summaries by event time (`?time=event`), end to end in workerd: events posted through the real Worker with
 * device times on earlier days, consumed by its queue handler (delivered by the test, not the pool's consumer),
 * count on the day they happened with time=event and on the day they were received by default; a file's event
 * days are bounded; the D1 rollups of before the shards have no event axis.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { MAX_EVENT_DAYS_PER_FILE } from "../../src/core/insights/insight-rollup.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { shardStats } from "../support/ledger.js";
import { summaryOf } from "../support/summaries.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS, deviceTime } from "../support/time.js";

const YEAR_MS = 365 * DAY_MS;

interface QueuedEvent {
  sequencenumber: number;
  receivedat: string;
  eventtime: string;
  eventtimesource: string;
}

/** Events of the seed mix, one per device `localtimes`, numbered from `firstSequence`. */
function eventsAt(localtimes: readonly string[], firstSequence: number): Record<string, unknown>[] {
  const seeds = seedEvents();
  return localtimes.map((localtime, index) => ({
    ...seeds[index % seeds.length],
    localtime,
    sequencenumber: firstSequence + index,
  }));
}

/** Posts with a recording queue, then delivers the accepted messages as one batch: one file per shard. */
async function postAndConsume(
  tenant: string,
  events: readonly Record<string, unknown>[],
  sentat?: string,
): Promise<QueuedEvent[]> {
  const bodies = await acceptedMessageBodies(senderFor(tenant), events, sentat);
  const delivery = await deliver(asQueuedMessages(bodies));
  expect(delivery.retried).toEqual([]);
  return bodies.flatMap((body) => (JSON.parse(body) as { events: QueuedEvent[] }).events);
}

/** How many events count on each day (or month: length 7), by the day each event is given. */
function countsBy(events: readonly QueuedEvent[], dayOf: (event: QueuedEvent) => string, length = 10) {
  const counts: Record<string, number> = {};
  for (const event of events) {
    const period = dayOf(event).slice(0, length);
    counts[period] = (counts[period] ?? 0) + 1;
  }
  return counts;
}

/** The periods of a summary that have events, as {period: events}. */
async function nonEmptyPeriods(tenant: string, path: string): Promise<Record<string, number>> {
  const summary = await summaryOf(tenant, path);
  return Object.fromEntries(
    summary.periods.filter((period) => period.events > 0).map((period) => [period.period, period.events]),
  );
}

function dayBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

describe("summaries by event time", () => {
  it("count events on the days they happened with time=event, on the day received by default", async () => {
    const tenant = uniqueTenant("eventaxis");
    // A device a year behind, offline for three days: events that truly happened 3 days ago, 1 day ago and just
    // now, sent now with its sentat, so the collector corrects the clock.
    const now = Date.now();
    const happened = [
      ...Array.from({ length: 2 }, () => now - 3 * DAY_MS),
      ...Array.from({ length: 3 }, () => now - DAY_MS),
      ...Array.from({ length: 4 }, () => now),
    ];
    const queued = await postAndConsume(
      tenant,
      eventsAt(
        happened.map((ms) => deviceTime(ms - YEAR_MS, 60)),
        1,
      ),
      deviceTime(now - YEAR_MS, 60),
    );
    expect(new Set(queued.map((event) => event.eventtimesource))).toEqual(new Set(["corrected"]));
    const byEventDay = countsBy(queued, (event) => event.eventtime);
    const byReceivedDay = countsBy(queued, (event) => event.receivedat);
    expect(Object.values(byEventDay).sort()).toEqual([2, 3, 4]);

    const to = queued[0]!.receivedat.slice(0, 10);
    const range = `from=${dayBefore(to, 5)}&to=${to}`;
    expect(await nonEmptyPeriods(tenant, `daily?${range}&time=event`)).toEqual(byEventDay);
    expect(await nonEmptyPeriods(tenant, `daily?${range}`)).toEqual(byReceivedDay);
    expect(await nonEmptyPeriods(tenant, `daily?${range}&time=received`)).toEqual(byReceivedDay);

    const months = `from=${dayBefore(to, 5).slice(0, 7)}&to=${to.slice(0, 7)}`;
    expect(await nonEmptyPeriods(tenant, `monthly?${months}&time=event`)).toEqual(
      countsBy(queued, (event) => event.eventtime, 7),
    );
    expect(await nonEmptyPeriods(tenant, `monthly?${months}`)).toEqual(
      countsBy(queued, (event) => event.receivedat, 7),
    );
  });

  it("say which time they count by, and count users on each day an event of theirs happened", async () => {
    const tenant = uniqueTenant("eventusers");
    const queued = await postAndConsume(
      tenant,
      eventsAt([deviceTime(Date.now() - 2 * DAY_MS, 0), deviceTime(Date.now(), -300)], 1),
    );
    const to = queued[0]!.receivedat.slice(0, 10);
    const byEvent = await summaryOf(tenant, `daily?from=${dayBefore(to, 3)}&to=${to}&time=event`);
    expect(byEvent.time).toBe("event");
    expect(byEvent.totals).toMatchObject({ events: 2, users: 1, devices: 1 });
    const days = byEvent.periods.filter((period) => period.events > 0);
    expect(days.map((period) => [period.period, period.events, period.users])).toEqual([
      [queued[0]!.eventtime.slice(0, 10), 1, 1],
      [queued[1]!.eventtime.slice(0, 10), 1, 1],
    ]);
    expect((await summaryOf(tenant, `daily?from=${to}&to=${to}`)).time).toBe("received");
    expect((await summaryOf(tenant, "realtime")).time).toBe("received");
  });

  it(`write at most ${MAX_EVENT_DAYS_PER_FILE} event days per file: the received day and the busiest earlier days; the rest count on the received day`, async () => {
    const tenant = uniqueTenant("eventdays");
    const now = Date.now();
    // Events on six earlier days (device clock exact, no sentat): days ago -> how many.
    const perDaysAgo: Array<[number, number]> = [
      [1, 1],
      [2, 5],
      [3, 4],
      [4, 3],
      [5, 1],
      [6, 2],
    ];
    const localtimes = perDaysAgo.flatMap(([daysAgo, count]) =>
      Array.from({ length: count }, () => deviceTime(now - daysAgo * DAY_MS, 120)),
    );
    const queued = await postAndConsume(tenant, eventsAt(localtimes, 1));
    const receivedDay = queued[0]!.receivedat.slice(0, 10);
    // The busiest three earlier days (2, 3 and 4 days ago) keep their events; those of 1, 5 and 6 days ago count on
    // the day received, as if their device time had been implausible.
    const kept = new Set(queued.slice(1, 1 + 5 + 4 + 3).map((event) => event.eventtime.slice(0, 10)));
    expect(kept.size).toBe(MAX_EVENT_DAYS_PER_FILE - 1);
    const expected = countsBy(queued, (event) =>
      kept.has(event.eventtime.slice(0, 10)) ? event.eventtime : event.receivedat,
    );
    expect(expected[receivedDay]).toBe(1 + 1 + 2);
    expect(
      await nonEmptyPeriods(tenant, `daily?from=${dayBefore(receivedDay, 8)}&to=${receivedDay}&time=event`),
    ).toEqual(expected);

    const [stats] = await shardStats(tenant);
    // A received and a received_late minute (two each if the batch straddles one), in the day's minute table, and
    // the three kept earlier days.
    expect([5, 7]).toContain(stats!.rollups);
  });

  it("leave out the D1 rollups of before the ledger shards, which have no event axis", async () => {
    const tenant = uniqueTenant("eventlegacy");
    const day = "2026-01-15";
    await env.DB.prepare(
      "INSERT INTO insight_counts (tenant, grain, bucket, dimension, value, count) VALUES (?1, 'day', ?2, 'type', 'playevent', 7)",
    )
      .bind(tenant, day)
      .run();
    expect(await nonEmptyPeriods(tenant, `daily?from=${day}&to=${day}`)).toEqual({ [day]: 7 });
    expect(await nonEmptyPeriods(tenant, `daily?from=${day}&to=${day}&time=event`)).toEqual({});
    expect(await nonEmptyPeriods(tenant, "monthly?from=2026-01&to=2026-01&time=event")).toEqual({});
  });
});
