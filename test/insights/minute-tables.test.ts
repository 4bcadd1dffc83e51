/**
 * A shard's minute rollups kept in a table per received day and folded into the day's rows once the day is two
 * days old (src/ledger/shard-rollups.ts), end to end in workerd: a file writes one rollup row, the summaries read
 * the same numbers before and after the fold, a commit after the fold lands on the day row, the fold drops the
 * table without a billed row per minute and not before the day's last minute is 24 hours old, and an older
 * consumer's commits during a rollout still add up to the day.
 * @module
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import type { CommitRequest, CommitResult } from "../../src/core/exports/ledger-protocol.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import {
  recordingShardResults,
  rewritingShardRequests,
  shardsOf,
  shardStats,
  sweepShardsAt,
} from "../support/ledger.js";
import { receivedAt, summaryOf } from "../support/summaries.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS, HOUR_MS, MINUTE_MS, deviceTime } from "../support/time.js";

/** Start of today (UTC), epoch ms. */
function todayStart(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The seed events numbered from `first`, each with a device time `happenedMsAgo` before it was sent. */
function events(count: number, first: number, happenedMsAgo?: number): Record<string, unknown>[] {
  const seeds = seedEvents();
  return Array.from({ length: count }, (_, index) => ({
    ...seeds[index % seeds.length],
    sequencenumber: first + index,
    ...(happenedMsAgo === undefined ? {} : { localtime: deviceTime(Date.now() - happenedMsAgo, 0) }),
  }));
}

/** Posts `posted` and delivers it as one batch, every event received at `at` (epoch ms). */
async function consumeAt(tenant: string, posted: readonly Record<string, unknown>[], at: number, bindings = {}) {
  const bodies = receivedAt(await acceptedMessageBodies(senderFor(tenant), posted), new Date(at).toISOString());
  expect((await deliver(asQueuedMessages(bodies), bindings)).retried).toEqual([]);
}

/** A summary's numbers: events, users, devices and counts by dimension per period, and its totals. */
async function numbers(tenant: string, path: string) {
  const summary = await summaryOf(tenant, path);
  return { periods: summary.periods, totals: summary.totals };
}

/** The ledger_sweep lines logged while `sweep` runs. */
async function sweepLines(sweep: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const log = vi.spyOn(console, "log");
  try {
    await sweep();
    return log.mock.calls
      .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
      .filter((line) => line.msg === "ledger_sweep");
  } finally {
    log.mockRestore();
  }
}

describe("a file's rollups in its shard", () => {
  it("an on-time file writes one rollup row, its minute: the commit writes the file's state and that row", async () => {
    const tenant = uniqueTenant("minuterow");
    const at = Date.now() - MINUTE_MS;
    const { binding, results } = recordingShardResults<CommitResult>("commit");
    await consumeAt(tenant, events(20, 1), at, { LEDGER: binding });
    // A second file in the same minute adds to the same row.
    await consumeAt(tenant, events(20, 21), at, { LEDGER: binding });

    // The first commit of the day also created the day's minute table.
    expect(results[1]!.usage.rowsWritten).toBe(2);
    const [stats] = await shardStats(tenant);
    expect(stats!.rollups).toBe(1);
  });

  it("a file with late events writes a received minute, a received_late minute and its event_late days", async () => {
    const tenant = uniqueTenant("lateminute");
    await consumeAt(tenant, [...events(3, 1), ...events(2, 4, 3 * DAY_MS)], Date.now() - MINUTE_MS);

    const [stats] = await shardStats(tenant);
    expect(stats!.rollups).toBe(3);
  });
});

describe("the realtime view reads the minute tables", () => {
  it("showing on-time and late events in the minute they were received", async () => {
    const tenant = uniqueTenant("minutelate");
    const at = Date.now() - MINUTE_MS;
    await consumeAt(tenant, [...events(3, 1), ...events(2, 4, 3 * DAY_MS)], at);

    const realtime = await summaryOf(tenant, "realtime");
    const minute = realtime.periods.find((period) => period.period === new Date(at).toISOString().slice(0, 16));
    expect(minute?.events).toBe(5);
    expect(realtime.totals.events).toBe(5);
  });
});

describe("the fold of a day's minute table into its day rows", () => {
  it("leaves the summaries by received and by event time reading the same numbers", async () => {
    const tenant = uniqueTenant("fold");
    // Two minutes of today, late events among them.
    const base = Math.max(todayStart(), Date.now() - 3 * HOUR_MS);
    await consumeAt(tenant, [...events(8, 1), ...events(4, 9, 2 * DAY_MS)], base);
    await consumeAt(tenant, [...events(6, 13), ...events(3, 19, 3 * DAY_MS)], base + MINUTE_MS);
    const day = isoDay(base);
    const from = isoDay(base - 5 * DAY_MS);
    const paths = [
      `daily?from=${from}&to=${day}`,
      `daily?from=${from}&to=${day}&time=event`,
      `monthly?from=${day.slice(0, 7)}&to=${day.slice(0, 7)}`,
      `monthly?from=${day.slice(0, 7)}&to=${day.slice(0, 7)}&time=event`,
    ];
    const before = await Promise.all(paths.map((path) => numbers(tenant, path)));
    expect(before[0]!.totals.events).toBe(21);
    expect(before[1]!.totals.events).toBe(21);
    const [live] = await shardStats(tenant);
    // Two minutes on two received axes, the event_late days (two days ago, three days ago).
    expect(live!.rollups).toBe(6);

    const lines = await sweepLines(() => sweepShardsAt(tenant, Date.parse(`${day}T00:00:00Z`) + 2 * DAY_MS));

    expect(lines.map((line) => line.minute_days_folded)).toEqual([1]);
    const [folded] = await shardStats(tenant);
    // The table is gone: a received and a received_late day row took its four rows.
    expect(folded!.rollups).toBe(4);
    expect(await Promise.all(paths.map((path) => numbers(tenant, path)))).toEqual(before);

    // By the Worker's clock the day still keeps its minutes: a later commit gets a new table, the next fold adds
    // it to the same day rows.
    await consumeAt(tenant, events(5, 22), base + 2 * MINUTE_MS);
    await sweepShardsAt(tenant, Date.parse(`${day}T00:00:00Z`) + 3 * DAY_MS);
    const [refolded] = await shardStats(tenant);
    expect(refolded!.rollups).toBe(4);
    expect((await numbers(tenant, paths[0]!)).totals.events).toBe(26);
    expect((await numbers(tenant, paths[1]!)).totals.events).toBe(26);
  });

  it("drops the table without a billed row per minute: it writes the day's row", async () => {
    const tenant = uniqueTenant("folddrop");
    const base = Math.max(todayStart(), Date.now() - 3 * HOUR_MS);
    for (let minute = 0; minute < 4; minute++) {
      await consumeAt(tenant, events(5, 1 + 5 * minute), base + minute * MINUTE_MS);
    }
    const dayStart = Date.parse(`${isoDay(base)}T00:00:00Z`);
    // The daily upkeep runs first, so the fold's sweep writes nothing else but its mark.
    await sweepShardsAt(tenant, dayStart + DAY_MS);

    const [line] = await sweepLines(() => sweepShardsAt(tenant, dayStart + 2 * DAY_MS + HOUR_MS));

    expect(line).toMatchObject({ minute_days_folded: 1, rollups_expired: 0 });
    // The received day row, and the upkeep's mark of the day it ran: none of the four minutes.
    expect(line!.rows_written).toBe(2);
  });

  it("a commit of a day that no longer keeps its minutes adds to the day's row directly", async () => {
    const tenant = uniqueTenant("foldlate");
    // Received three days ago: that day's minutes are past retention and it no longer keeps a minute table.
    const threeDaysAgo = todayStart() - 3 * DAY_MS + HOUR_MS;
    await consumeAt(tenant, events(5, 1), threeDaysAgo);
    await consumeAt(tenant, events(7, 6), threeDaysAgo + MINUTE_MS);
    const [stats] = await shardStats(tenant);
    expect(stats!.rollups).toBe(1);
    const day = isoDay(threeDaysAgo);
    expect((await summaryOf(tenant, `daily?from=${day}&to=${day}`)).totals.events).toBe(12);
  });

  it("a file whose minutes are past retention on a day that still keeps them adds its day as a remainder row", async () => {
    const tenant = uniqueTenant("remainder");
    // Yesterday's first minute: over 24 hours ago, its day's table kept until tomorrow.
    const yesterday = todayStart() - DAY_MS;
    await consumeAt(tenant, events(5, 1), yesterday);
    await consumeAt(tenant, events(4, 6), Date.now() - MINUTE_MS);
    const day = isoDay(yesterday);
    const before = await numbers(tenant, `daily?from=${day}&to=${isoDay(Date.now())}`);
    expect(before.periods.find((period) => period.period === day)?.events).toBe(5);
    expect((await summaryOf(tenant, "realtime")).totals.events).toBe(4);

    await sweepShardsAt(tenant, yesterday + 2 * DAY_MS);

    expect(await numbers(tenant, `daily?from=${day}&to=${isoDay(Date.now())}`)).toEqual(before);
  });
});

describe("the fold of a day's minute table waits until its last minute is 24 hours old", () => {
  it("a sweep at the day's start + 48 hours - 1 ms folds nothing and its 23:59 minute still reads; at + 48 hours it folds", async () => {
    const tenant = uniqueTenant("foldedge");
    const dayStart = todayStart() - DAY_MS;
    const lastMinute = dayStart + DAY_MS - MINUTE_MS;
    await consumeAt(tenant, events(5, 1), lastMinute);
    const [shard] = shardsOf(tenant);
    const bucket = new Date(lastMinute).toISOString().slice(0, 16);
    const day = isoDay(dayStart);
    /** The events the shard counts in the day's last minute, and in the whole day. */
    const counted = async () => {
      const read = async (grain: string, first: string, periodLength: number) => {
        const rows = await shard!.readRollups({ grain, firstBucket: first, lastBucket: first, periodLength });
        return rows.counts.filter((row) => row.dimension === "type").reduce((sum, row) => sum + row.count, 0);
      };
      return { minute: await read("minute", bucket, 16), day: await read("day", day, 10) };
    };
    expect(await counted()).toEqual({ minute: 5, day: 5 });

    const early = await shard!.sweep(dayStart + 2 * DAY_MS - 1);

    expect(early.minuteDaysFolded).toBe(0);
    expect(await counted()).toEqual({ minute: 5, day: 5 });

    const due = await shard!.sweep(dayStart + 2 * DAY_MS);

    expect(due.minuteDaysFolded).toBe(1);
    // Folded: the minute is past its 24 hours, the day row holds the day.
    expect(await counted()).toEqual({ minute: 0, day: 5 });
  });
});

/**
 * A commit as a consumer of before the minute tables sent it: late events' minutes on the received axis (beside
 * on-time days only), none on received_late (days only). Its received minutes add up to more than its received day.
 */
function asOlderConsumer(request: CommitRequest): CommitRequest {
  const late = request.lateRollups!.received;
  const minutes = { counts: late.counts.filter(isMinute), sketches: late.sketches.filter(isMinute) };
  return {
    ...request,
    rollups: {
      counts: [...request.rollups.counts, ...minutes.counts],
      sketches: [...request.rollups.sketches, ...minutes.sketches],
    },
    lateRollups: {
      ...request.lateRollups!,
      received: {
        counts: late.counts.filter((entry) => !isMinute(entry)),
        sketches: late.sketches.filter((entry) => !isMinute(entry)),
      },
    },
  };
}

const isMinute = (entry: { grain: string }) => entry.grain === "minute";

describe("a commit of a consumer of before the minute tables, while a deploy rolls out", () => {
  it("counts the day's events exactly by received and by event time, before and after the fold", async () => {
    const [current, older] = [uniqueTenant("rollnew"), uniqueTenant("rollold")];
    const at = Date.now() - MINUTE_MS;
    // A file with late events only (no received day row), then one with on-time and late events.
    for (const [index, posted] of [
      events(2, 1, 3 * DAY_MS),
      [...events(3, 3), ...events(2, 6, 2 * DAY_MS)],
    ].entries()) {
      await consumeAt(current, posted, at + index);
      await consumeAt(older, posted, at + index, { LEDGER: rewritingShardRequests("commit", asOlderConsumer) });
    }
    const day = isoDay(at);
    const paths = [`daily?from=${day}&to=${day}`, `daily?from=${isoDay(at - 5 * DAY_MS)}&to=${day}&time=event`];
    /** Events per period by received and by event time, and the users by received time. */
    const counted = async (tenant: string) => {
      const [received, byEvent] = await Promise.all(paths.map((path) => numbers(tenant, path)));
      return {
        received: received!.periods.map((period) => [period.period, period.events, period.users]),
        event: byEvent!.periods.map((period) => [period.period, period.events]),
      };
    };
    const expected = await counted(current);
    expect(expected.received).toEqual([[day, 7, 1]]);

    expect(await counted(older)).toEqual(expected);
    await sweepShardsAt(older, Date.parse(`${day}T00:00:00Z`) + 2 * DAY_MS);
    expect(await counted(older)).toEqual(expected);
  });
});

describe("the rollups a shard wrote before its minute tables", () => {
  /** Moves the shard's minute tables into `rollups` as minute and day rows: a shard as the previous version left it. */
  async function asWrittenBefore(tenant: string): Promise<void> {
    await runInDurableObject(shardsOf(tenant)[0]!, async (_instance, state: DurableObjectState) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'minutes_*'")
        .toArray();
      for (const { name } of tables) {
        sql.exec(
          `INSERT INTO rollups (axis, grain, bucket, counts, sketches)
           SELECT axis, 'minute', bucket, counts, sketches FROM ${name} WHERE length(bucket) = 16`,
        );
        sql.exec(
          `INSERT INTO rollups (axis, grain, bucket, counts, sketches)
           SELECT axis, 'day', substr(bucket, 1, 10), counts, sketches FROM ${name} WHERE length(bucket) = 16`,
        );
        sql.exec(`DROP TABLE ${name}`);
      }
    });
  }

  it("still count: their minutes until 24 hours old, their day rows with the minute tables and after the fold", async () => {
    const tenant = uniqueTenant("legacyrows");
    const at = Date.now() - MINUTE_MS;
    await consumeAt(tenant, events(4, 1), at);
    await asWrittenBefore(tenant);
    await consumeAt(tenant, events(3, 5), at);
    const day = isoDay(at);
    const minute = new Date(at).toISOString().slice(0, 16);

    const realtime = await summaryOf(tenant, "realtime");
    expect(realtime.periods.find((period) => period.period === minute)?.events).toBe(7);
    const daily = await numbers(tenant, `daily?from=${day}&to=${day}`);
    expect(daily.totals.events).toBe(7);
    expect(daily.totals.users).toBe(1);

    await sweepShardsAt(tenant, Date.parse(`${day}T00:00:00Z`) + 2 * DAY_MS);

    expect(await numbers(tenant, `daily?from=${day}&to=${day}`)).toEqual(daily);
    // The legacy minute row went with the daily upkeep (a billed delete, as before); the day row took the table.
    const [stats] = await shardStats(tenant);
    expect(stats!.rollups).toBe(1);
  });
});
