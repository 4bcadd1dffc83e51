/**
 * A shard's received minutes, kept in a table per received day (`minutes_20261130`, day-tables.ts) instead of
 * the `rollups` table: one row per (axis, minute bucket) on the received and received_late axes, plus at most one
 * remainder row per axis whose bucket is the day itself ('2026-11-30': what a file's day held beyond its minutes,
 * when some of its minutes were already past retention). So a day's rows add up to the day, and a file that
 * commits on time writes its minute row only, no day row; once the day is old enough, the sweep adds the table up
 * into the day's rows of `rollups` and drops it, which bills no row (a DELETE bills each row it removes).
 *
 * A day's table is live until the day's start + 2 days: every minute row is kept at least 24 hours
 * (ROLLUP_RETENTION_MS.minute), as the realtime view needs. shard-rollups.ts decides what goes where.
 * @module
 */
import { ROLLUP_RETENTION_MS, type StoredRollupAxis } from "../core/insights/insight-rollup.js";
import {
  dayOfBucket,
  dayStartMs,
  dayTableName,
  dayTables,
  dropDayTable,
  ensureDayTable,
  isoDayOf,
} from "./day-tables.js";
import { mergedRow, type RollupTally, type StoredRollup } from "./rollup-rows.js";
import type { MeteredSql } from "./sql-usage.js";

export const MINUTES = "minutes";
const COLUMNS = `axis TEXT NOT NULL, bucket TEXT NOT NULL, counts TEXT NOT NULL, sketches TEXT NOT NULL,
  PRIMARY KEY (axis, bucket)`;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A minute of the day's last minute is kept this long past the day's start: ≥ 24 hours for every minute. */
const KEPT_AFTER_DAY_START_MS = DAY_MS + ROLLUP_RETENTION_MS.minute;

export interface MinuteRow extends StoredRollup {
  axis: StoredRollupAxis;
  bucket: string;
}

/** Whether the day ('yyyy-mm-dd') still keeps its minutes in its table at `now`; otherwise it is (to be) folded. */
export function keepsMinutes(day: string, now: number): boolean {
  return dayStartMs(dayOfBucket(day)) + KEPT_AFTER_DAY_START_MS > now;
}

/**
 * Adds `tally` to the (axis, bucket) row of the day's table, creating both if missing. `tableDays`: the days
 * ('yyyymmdd') known to have a table, as the call read them (readDayTables; never kept across calls, which a
 * rolled back transaction could leave stale) and added to here; without it, the table is created if missing.
 */
export function addToMinuteTable(
  sql: MeteredSql,
  day: string,
  axis: StoredRollupAxis,
  bucket: string,
  tally: RollupTally,
  tableDays?: Set<string>,
): void {
  const tableDay = dayOfBucket(day);
  const table = tableDays?.has(tableDay)
    ? dayTableName(MINUTES, tableDay)
    : ensureDayTable(sql, MINUTES, tableDay, COLUMNS);
  tableDays?.add(tableDay);
  const [stored] = sql.all<{ counts: string; sketches: string }>(
    `SELECT counts, sketches FROM ${table} WHERE axis = ?1 AND bucket = ?2`,
    axis,
    bucket,
  );
  const row = mergedRow(stored, tally);
  sql.run(
    `INSERT INTO ${table} (axis, bucket, counts, sketches) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (axis, bucket) DO UPDATE SET counts = excluded.counts, sketches = excluded.sketches`,
    axis,
    bucket,
    row.counts,
    row.sketches,
  );
}

/** The days ('yyyy-mm-dd') that have a table, oldest first. */
export function minuteDays(sql: MeteredSql): string[] {
  return dayTables(sql, MINUTES).map(isoDayOf).reverse();
}

/** Every row of the day's table on `axes`: its minutes and its remainders, which add up to the day. */
export function dayRows(sql: MeteredSql, day: string, axes: readonly StoredRollupAxis[]): MinuteRow[] {
  return sql.all<MinuteRow & Record<string, string>>(
    `SELECT axis, bucket, counts, sketches FROM ${dayTableName(MINUTES, dayOfBucket(day))}
     WHERE axis IN (SELECT value FROM json_each(?1))`,
    JSON.stringify(axes),
  );
}

/** The day's minute rows on `axes` with buckets in [first, last] (minute buckets: its remainders left out). */
export function minuteRows(
  sql: MeteredSql,
  day: string,
  axes: readonly StoredRollupAxis[],
  first: string,
  last: string,
): MinuteRow[] {
  return sql.all<MinuteRow & Record<string, string>>(
    `SELECT axis, bucket, counts, sketches FROM ${dayTableName(MINUTES, dayOfBucket(day))}
     WHERE axis IN (SELECT value FROM json_each(?1)) AND bucket BETWEEN ?2 AND ?3 AND bucket <> ?4`,
    JSON.stringify(axes),
    first,
    last,
    day,
  );
}

/** Drops the day's table (the sweep, once it has added the rows up into the day's rows). */
export function dropMinuteTable(sql: MeteredSql, day: string): void {
  dropDayTable(sql, MINUTES, dayOfBucket(day));
}

/** How many rows the shard's minute tables hold. */
export function minuteRowCount(sql: MeteredSql): number {
  return minuteDays(sql).reduce(
    (rows, day) =>
      rows +
      sql.all<{ rows: number }>(`SELECT count(*) AS rows FROM ${dayTableName(MINUTES, dayOfBucket(day))}`)[0]!.rows,
    0,
  );
}
