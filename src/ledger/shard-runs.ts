/**
 * Where a shard keeps its runs (what they mean: shard-claims.ts). A claim's runs go into the day table of its
 * claim, `runs_{yyyymmdd}` of the UTC day of its file id's time (day-tables.ts), keyed (session, first) with no
 * other index, and the sweep drops a day's table whole once the whole day is older than the dedupe window: a DROP
 * writes no billed row, where deleting the runs one by one wrote one per run. A shard of before the day tables also
 * has the legacy `runs` table (same columns): it is read like a day table, its rows are deleted by file id as they
 * age out, and it is dropped once empty, so its claims keep deciding duplicates across the switch.
 *
 * A session's runs stay disjoint across all the tables (a claim adds only numbers no run covers, after deleting the
 * void runs that covered them), so the runs of a session in all tables, merged by `first`, are one disjoint sequence:
 * one statement per 5 tables finds the runs that overlap a call's numbers, for all its sessions.
 * @module
 */
import {
  dayOf,
  dayTableName,
  dropDayTablesBefore,
  ensureDayTable,
  readDayTables,
  statementGroups,
} from "./day-tables.js";
import type { SequenceRun } from "../core/exports/sequence-runs.js";
import { FILES, type FileTables, fileOfRun } from "./shard-files.js";
import type { MeteredSql } from "./sql-usage.js";

const BASE = "runs";
const COLUMNS = `session TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, file_id INTEGER NOT NULL,
  PRIMARY KEY (session, first)`;

/** Durable Objects' SQLite binds at most 100 parameters a statement: the file id, then 3 per run. */
const RUNS_PER_INSERT = 33;

/**
 * The shard's run tables (day tables newest first, then the legacy table while it exists) and its files tables,
 * which the runs join: read once per call.
 */
export interface RunTables {
  days: string[];
  names: string[];
  files: FileTables;
}

export interface StoredRun extends SequenceRun {
  /** The table that holds it. */
  table: string;
  fileId: number;
  state: string | null;
  facts: string | null;
  key: string | null;
}

export function readRunTables(sql: MeteredSql): RunTables {
  const { [BASE]: runs, [FILES]: files } = readDayTables(sql, [BASE, FILES]);
  const names = runs.days.map((day) => dayTableName(BASE, day));
  return { days: runs.days, names: runs.base ? [...names, BASE] : names, files };
}

/** A session's numbers a claim asks about: its lowest and highest. */
export interface WantedRuns {
  session: string;
  lowest: number;
  highest: number;
}

/**
 * For each of `wanted` (same order), the stored runs of its session that overlap [lowest, highest], ascending,
 * with their files: one statement per 5 tables for all the sessions of a call. Runs of a session are disjoint, so
 * in each table the runs that overlap start between the floor of `lowest` (the last run starting at or below it,
 * the only earlier one that may hold it) and `highest`: a probe and an index range per session, so a session
 * that counts up reads about three rows per table (its bounds from json_each, the probe, the range's first key),
 * whatever its history.
 */
export function overlappingRuns(sql: MeteredSql, tables: RunTables, wanted: readonly WantedRuns[]): StoredRun[][] {
  const found = wanted.map((): StoredRun[] => []);
  if (wanted.length === 0) return found;
  const bounds = JSON.stringify(wanted.map(({ session, lowest, highest }) => [session, lowest, highest]));
  for (const some of statementGroups(tables.names)) {
    for (const { wanted: index, ...run } of runsOverlapping(sql, tables.files, some, bounds)) found[index]!.push(run);
  }
  for (const runs of found) runs.sort((a, b) => a.first - b.first);
  return found;
}

/** The overlapping runs of some tables in one statement: each arm reads its table's key for every session. */
function runsOverlapping(
  sql: MeteredSql,
  files: FileTables,
  tables: readonly string[],
  bounds: string,
): Array<StoredRun & { wanted: number }> {
  // A day's runs name files of the same day's files table (shard-files.ts), the legacy runs those of the legacy one.
  const arms = tables.map((table) => {
    const file = fileOfRun(files, table === BASE ? null : table.slice(BASE.length + 1), "run");
    return `SELECT want.key AS wanted, run.first, run.last, run.file_id, ${file.columns}, '${table}' AS run_table
       FROM json_each(?1) AS want
       JOIN ${table} AS run ON run.session = want.value ->> 0
         AND run.first >= coalesce((SELECT floor.first FROM ${table} AS floor
           WHERE floor.session = want.value ->> 0 AND floor.first <= want.value ->> 1
           ORDER BY floor.first DESC LIMIT 1), want.value ->> 1)
         AND run.first <= want.value ->> 2
       ${file.joins}
       WHERE run.last >= want.value ->> 1`;
  });
  const rows = sql.all<{
    wanted: number;
    first: number;
    last: number;
    file_id: number;
    state: string | null;
    facts: string | null;
    key: string | null;
    run_table: string;
  }>(arms.join(" UNION ALL "), bounds);
  return rows.map((row) => ({
    wanted: row.wanted,
    table: row.run_table,
    first: row.first,
    last: row.last,
    fileId: row.file_id,
    state: row.state,
    facts: row.facts,
    key: row.key,
  }));
}

/** Adds a file's new runs to the table of its claim's day (created on the day's first claim). */
export function addRuns(
  sql: MeteredSql,
  tables: RunTables,
  day: string,
  fileId: number,
  newRuns: ReadonlyArray<{ session: string; runs: readonly SequenceRun[] }>,
): void {
  const table = tables.days.includes(day) ? dayTableName(BASE, day) : ensureDayTable(sql, BASE, day, COLUMNS);
  const rows = newRuns.flatMap(({ session, runs }) =>
    runs.map((run): SqlStorageValue[] => [session, run.first, run.last]),
  );
  // As few statements as the bound-parameter limit allows (a statement costs more than a row); rows as VALUES, not
  // json_each, which bills each of its rows as read.
  for (let start = 0; start < rows.length; start += RUNS_PER_INSERT) {
    const some = rows.slice(start, start + RUNS_PER_INSERT);
    const values = some.map((_, index) => `(?${index * 3 + 2}, ?${index * 3 + 3}, ?${index * 3 + 4}, ?1)`);
    sql.run(`INSERT INTO ${table} (session, first, last, file_id) VALUES ${values.join(", ")}`, fileId, ...some.flat());
  }
}

export function deleteRun(sql: MeteredSql, run: { table: string; session: string; first: number }): void {
  sql.run(`DELETE FROM ${run.table} WHERE session = ?1 AND first = ?2`, run.session, run.first);
}

/** Rows per run table (day tables and the legacy one). */
export function countRuns(sql: MeteredSql): Record<string, number> {
  return Object.fromEntries(
    readRunTables(sql).names.map((table) => [
      table,
      sql.all<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`)[0]!.rows,
    ]),
  );
}

/**
 * Ages out the runs of files claimed before `claimedBefore` (epoch ms; `beforeFileId` is its file id): the day
 * tables of days that ended by then are dropped (every run in them is of a file claimed before), the legacy
 * table's old rows are deleted one by one and the table dropped once empty. A day table of the day
 * `claimedBefore` falls in stays whole until the next day's sweep: runs are kept up to a day longer, never less.
 * A day whose files are not all `settled` (shard-files.ts: one still to sweep) keeps its runs table until they are.
 */
export function expireRuns(
  sql: MeteredSql,
  tables: RunTables,
  claimedBefore: number,
  beforeFileId: number,
  settled: (day: string) => boolean,
): { runsExpired: number; runTablesDropped: string[] } {
  const old = tables.days.filter((day) => day < dayOf(claimedBefore) && settled(day));
  const runTablesDropped = dropDayTablesBefore(sql, BASE, dayOf(claimedBefore), old).map((day) =>
    dayTableName(BASE, day),
  );
  if (!tables.names.includes(BASE)) return { runsExpired: 0, runTablesDropped };
  const runsExpired = sql.all(`DELETE FROM ${BASE} WHERE file_id < ?1 RETURNING 1`, beforeFileId).length;
  if (sql.all(`SELECT 1 FROM ${BASE} LIMIT 1`).length === 0) {
    sql.run(`DROP TABLE ${BASE}`);
    runTablesDropped.push(BASE);
  }
  return { runsExpired, runTablesDropped };
}
