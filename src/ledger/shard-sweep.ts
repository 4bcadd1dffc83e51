/**
 * A shard's upkeep, run by its alarm (hourly while it holds anything):
 *  1. Files that never committed (abandoned, or pending for over an hour: no attempt lives that long) lose
 *     their objects, then become 'swept'. Their rows stay (ids are never reused) until they age out; their runs
 *     are void and are taken over by the next claim of those numbers. Only the files tables of days that still
 *     have runs (and the legacy one) are read: no other can hold such a file (shard-files.ts).
 *  2. Once a day: runs of files older than the dedupe window age out (runs before files, so no run outlives
 *     its file): the day tables of days that ended before the window dropped whole once the day's files are
 *     all committed or swept, the legacy table's rows deleted and the table dropped once empty (shard-runs.ts);
 *     files older than the manifest retention likewise (the files day tables dropped whole, shard-files.ts),
 *     minute rollups of the `rollups` table (written before the minute tables) older than 24 hours and day
 *     rollups older than 400 days, sealed sessions once the window has passed since their seal, and the ids of
 *     request reports counted before the dedupe window (shard-reports.ts).
 *  3. Every time: the minute tables of days old enough are folded into their day rows and dropped
 *     (foldMinuteDays in shard-rollups.ts), which bills no row per minute.
 * @module
 */
import { ROLLUP_GRAINS, ROLLUP_RETENTION_MS, bucketOf } from "../core/insights/insight-rollup.js";
import { expireFiles, FILE_IDS_PER_MS, settledFiles, unsettledFiles } from "./shard-files.js";
import { expireReports } from "./shard-reports.js";
import { expireRuns, readRunTables } from "./shard-runs.js";
import { readDayTables } from "./day-tables.js";
import type { MeteredSql } from "./sql-usage.js";

const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
/** Far beyond any one consumer attempt (15 minutes at most), so a pending file this old is dead. */
export const STALE_PENDING_MS = HOUR_MS;
export const SWEEP_INTERVAL_MS = HOUR_MS;
const FILES_PER_SWEEP = 1000;

export interface Retention {
  dedupeWindowDays: number;
  manifestRetentionDays: number;
}

export interface SweepOutcome {
  filesSwept: number;
  /** Rows deleted from the legacy runs table (day tables are dropped whole, uncounted). */
  runsExpired: number;
  /** Run tables dropped: day tables (`runs_yyyymmdd`) past the window, and the legacy `runs` once empty. */
  runTablesDropped: string[];
  /** Rows deleted from the legacy files table (day tables are dropped whole, uncounted). */
  filesExpired: number;
  /** Files tables dropped: day tables (`files_yyyymmdd`) past the retention, and the legacy `files` once empty. */
  fileTablesDropped: string[];
  rollupsExpired: number;
  /** Days whose minute table was added up into their day rows and dropped (shard-rollups.ts). */
  minuteDaysFolded: number;
  sealedExpired: number;
  /** Whether the shard still holds anything, so its alarm must run again. */
  holdsAnything: boolean;
}

/** Step 1's files: their keys, for the caller to delete the objects of before markSwept (shard-files.ts). */
export function staleFiles(sql: MeteredSql, now: number): Array<{ table: string; id: number; key: string }> {
  const runs = readRunTables(sql);
  return unsettledFiles(sql, runs.files, runs.days, now - STALE_PENDING_MS, FILES_PER_SWEEP);
}

/** Step 2, when a day has passed since the last time (kept in meta). Returns how many rows went. */
export function expireOld(
  sql: MeteredSql,
  now: number,
  retention: Retention,
): Omit<SweepOutcome, "filesSwept" | "minuteDaysFolded" | "holdsAnything"> {
  const [last] = sql.all<{ value: number }>("SELECT value FROM meta WHERE name = 'expired_at'");
  if (last && now - last.value < DAY_MS) {
    return {
      runsExpired: 0,
      runTablesDropped: [],
      filesExpired: 0,
      fileTablesDropped: [],
      rollupsExpired: 0,
      sealedExpired: 0,
    };
  }
  const windowStart = now - retention.dedupeWindowDays * DAY_MS;
  const tables = readRunTables(sql);
  // A day's runs table goes only once its files no longer need the sweep: staleFiles reads no other day's.
  const { runsExpired, runTablesDropped } = expireRuns(sql, tables, windowStart, windowStart * FILE_IDS_PER_MS, (day) =>
    settledFiles(sql, tables.files, day),
  );
  // No consumer routes by the count that moved a session away once its runs here have aged out.
  const sealedExpired = sql.all(
    "DELETE FROM sealed WHERE sealed_at < ?1 RETURNING 1",
    now - retention.dedupeWindowDays * DAY_MS,
  ).length;
  const { filesExpired, fileTablesDropped } = expireFiles(
    sql,
    tables.files,
    now - retention.manifestRetentionDays * DAY_MS,
  );
  expireReports(sql, now - retention.dedupeWindowDays * DAY_MS);
  let rollupsExpired = 0;
  for (const grain of ROLLUP_GRAINS) {
    const oldest = bucketOf(grain, new Date(now - ROLLUP_RETENTION_MS[grain]).toISOString());
    rollupsExpired += sql.all("DELETE FROM rollups WHERE grain = ?1 AND bucket < ?2 RETURNING 1", grain, oldest).length;
  }
  sql.run(
    "INSERT INTO meta (name, value) VALUES ('expired_at', ?1) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    now,
  );
  return { runsExpired, runTablesDropped, filesExpired, fileTablesDropped, rollupsExpired, sealedExpired };
}

export function holdsAnything(sql: MeteredSql): boolean {
  // The day tables of every kind in one read of sqlite_schema: one that exists is still to drop, empty or not.
  const dayTables = Object.values(readDayTables(sql, ["runs", "files", "minutes"]));
  return (
    dayTables.some((tables) => tables.days.length > 0 || tables.base) ||
    ["rollups", "sealed", "reports"].some((table) => sql.all(`SELECT 1 FROM ${table} LIMIT 1`).length > 0)
  );
}
