/**
 * A shard's insights rollups: the counts by dimension and value and the HyperLogLog sketches of users and devices
 * of its committed events, per (time axis, grain, bucket) (rows: rollup-rows.ts). A commit adds its file's
 * increments (src/core/insights/insight-rollup.ts), in the commit's transaction, so every event counts exactly
 * once on each time axis:
 *  - received and received_late: a day that still keeps its minutes (shard-minute-tables.ts) gets the file's
 *    minute rows in its minute table, and a remainder row there only when the file's day holds more than its
 *    minutes (minutes already past retention); no day row. So an on-time file writes one row (its minute; two if
 *    it straddles one), where it wrote a minute and a day. An older day gets the file's day row in `rollups`.
 *  - event_late: the day rows in `rollups` (at most three per file).
 * The sweep folds each day old enough: its minute table added up into the day's rows in `rollups`, then dropped.
 * The summaries read each shard's rows of a range for one axis, added up per period: `rollups` rows (days, and
 * the minute rows of before the minute tables until they age out) and the minute tables of the range's days.
 * @module
 */
import type { RollupRequest, RollupRows } from "../core/exports/ledger-protocol.js";
import type { CountRow, SketchRow } from "../core/insights/insight-summary.js";
import { STORED_AXES_OF, type RollupIncrements, type StoredRollupAxis } from "../core/insights/insight-rollup.js";
import { encodeSketch } from "../core/insights/hyperloglog.js";
import {
  addStored,
  addTally,
  byBucket,
  emptyTally,
  isEmptyTally,
  mergedRow,
  remainderOf,
  sketchesOf,
  type BucketTally,
  type RollupTally,
} from "./rollup-rows.js";
import {
  addToMinuteTable,
  dayRows,
  dropMinuteTable,
  keepsMinutes,
  minuteDays,
  minuteRows,
} from "./shard-minute-tables.js";
import type { MeteredSql } from "./sql-usage.js";

/** The axes whose minutes (and days, until folded) live in the minute tables. */
const MINUTE_AXES: readonly StoredRollupAxis[] = ["received", "received_late"];

/**
 * Adds a file's increments of one stored axis to the shard's rows (none when they are empty), as of `now`;
 * `minuteTableDays`: the days with a minute table, if the call has read them (addToMinuteTable).
 */
export function addRollups(
  sql: MeteredSql,
  increments: RollupIncrements,
  axis: StoredRollupAxis,
  now: number,
  minuteTableDays?: Set<string>,
): void {
  const buckets = byBucket(increments);
  if (!MINUTE_AXES.includes(axis)) {
    for (const { grain, bucket, tally } of buckets) addToRollupRow(sql, axis, grain, bucket, tally);
    return;
  }
  for (const [day, { whole, minutes }] of byReceivedDay(buckets)) {
    if (!keepsMinutes(day, now)) {
      // Folded (or about to be): its minutes are past retention, its day row takes the file's day.
      if (whole) addToRollupRow(sql, axis, "day", day, whole);
      continue;
    }
    const parts = emptyTally();
    for (const minute of minutes) {
      addToMinuteTable(sql, day, axis, minute.bucket, minute.tally, minuteTableDays);
      addTally(parts, minute.tally);
    }
    // Negative counts are legitimate: a consumer of before the minute tables puts late events' minutes on received
    // (test/insights/minute-tables.test.ts, the rollout); the remainder takes them back off the day.
    const remainder = remainderOf(whole ?? emptyTally(), parts);
    if (!isEmptyTally(remainder)) addToMinuteTable(sql, day, axis, day, remainder, minuteTableDays);
  }
}

/**
 * Adds up every minute table whose day no longer keeps its minutes at `now` into the day's rows of `rollups`
 * (merged with any row there: written before the minute tables, or by a commit after the day's fold), then drops
 * it: no row written per minute. Returns the days folded. The caller runs it in one transaction.
 */
export function foldMinuteDays(sql: MeteredSql, now: number): string[] {
  const folded = minuteDays(sql).filter((day) => !keepsMinutes(day, now));
  for (const day of folded) {
    const byAxis = new Map<StoredRollupAxis, RollupTally>();
    for (const row of dayRows(sql, day, MINUTE_AXES)) addStored(tallyOf(byAxis, row.axis), row);
    for (const [axis, tally] of byAxis) addToRollupRow(sql, axis, "day", day, tally);
    dropMinuteTable(sql, day);
  }
  return folded;
}

/**
 * The shard's rows of a range that add up to the request's axis (on-time and late rows), counts added up and
 * sketches merged per period: from `rollups` and from the minute tables of the range's days (minute rows for
 * grain minute, every row for grain day).
 */
export function readRollups(sql: MeteredSql, request: RollupRequest): RollupRows {
  const axes = STORED_AXES_OF[request.axis ?? "received"];
  const { grain, firstBucket, lastBucket, periodLength } = request;
  const periods = new Map<string, RollupTally>();
  const rows = sql.all<{ bucket: string; counts: string; sketches: string }>(
    `SELECT bucket, counts, sketches FROM rollups
     WHERE axis IN (?1, ?2) AND grain = ?3 AND bucket BETWEEN ?4 AND ?5`,
    axes[0],
    axes[1],
    grain,
    firstBucket,
    lastBucket,
  );
  for (const row of rows) addStored(tallyOf(periods, row.bucket.slice(0, periodLength)), row);
  for (const day of minuteDays(sql)) {
    if (grain === "minute" && day >= firstBucket.slice(0, 10) && day <= lastBucket.slice(0, 10)) {
      for (const row of minuteRows(sql, day, axes, firstBucket, lastBucket)) {
        addStored(tallyOf(periods, row.bucket.slice(0, periodLength)), row);
      }
    } else if (grain === "day" && day >= firstBucket && day <= lastBucket) {
      const tally = tallyOf(periods, day.slice(0, periodLength));
      for (const row of dayRows(sql, day, axes)) addStored(tally, row);
    }
  }
  const counts: CountRow[] = [];
  const sketches: SketchRow[] = [];
  for (const [period, tally] of periods) {
    for (const { dimension, value, count } of tally.counts.values()) {
      if (count !== 0) counts.push({ period, dimension, value, count });
    }
    for (const [kind, sketch] of sketchesOf(tally)) sketches.push({ period, kind, registers: encodeSketch(sketch) });
  }
  return { counts, sketches };
}

/** Adds `tally` to the (axis, grain, bucket) row of `rollups`, creating it if missing. */
function addToRollupRow(sql: MeteredSql, axis: StoredRollupAxis, grain: string, bucket: string, tally: RollupTally) {
  const [stored] = sql.all<{ counts: string; sketches: string }>(
    "SELECT counts, sketches FROM rollups WHERE axis = ?1 AND grain = ?2 AND bucket = ?3",
    axis,
    grain,
    bucket,
  );
  const row = mergedRow(stored, tally);
  sql.run(
    `INSERT INTO rollups (axis, grain, bucket, counts, sketches) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (axis, grain, bucket) DO UPDATE SET counts = excluded.counts, sketches = excluded.sketches`,
    axis,
    grain,
    bucket,
    row.counts,
    row.sketches,
  );
}

/** A file's buckets of one axis by received day: the day's increment and its minutes'. */
function byReceivedDay(buckets: readonly BucketTally[]): Map<string, { whole?: RollupTally; minutes: BucketTally[] }> {
  const days = new Map<string, { whole?: RollupTally; minutes: BucketTally[] }>();
  for (const bucket of buckets) {
    const day = bucket.bucket.slice(0, 10);
    let entry = days.get(day);
    if (!entry) {
      entry = { minutes: [] };
      days.set(day, entry);
    }
    if (bucket.grain === "day") entry.whole = bucket.tally;
    else entry.minutes.push(bucket);
  }
  return days;
}

function tallyOf<K>(tallies: Map<K, RollupTally>, key: K): RollupTally {
  let tally = tallies.get(key);
  if (!tally) {
    tally = emptyTally();
    tallies.set(key, tally);
  }
  return tally;
}
