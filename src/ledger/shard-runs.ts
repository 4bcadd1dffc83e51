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
 * one statement per session and 5 tables walks them down as one table was.
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

/**
 * The stored runs of `session` that overlap [lowest, highest], ascending, with their files. Runs of a session
 * are disjoint, so walking down from the last run that starts at or below `highest` may stop at the first that
 * ends below `lowest`: a session that counts up reads one or two rows per table, whatever its history.
 */
export function overlappingRuns(
  sql: MeteredSql,
  tables: RunTables,
  session: string,
  lowest: number,
  highest: number,
): StoredRun[] {
  const runs = statementGroups(tables.names).flatMap((some) =>
    walkDown(sql, tables.files, some, session, lowest, highest),
  );
  return runs.sort((a, b) => a.first - b.first);
}

/** The walk over some tables in one statement: each arm walks its table's key down, ORDER BY merges them. */
function walkDown(
  sql: MeteredSql,
  files: FileTables,
  tables: readonly string[],
  session: string,
  lowest: number,
  highest: number,
): StoredRun[] {
  // A day's runs name files of the same day's files table (shard-files.ts), the legacy runs those of the legacy one.
  const arms = tables.map((table) => {
    const file = fileOfRun(files, table === BASE ? null : table.slice(BASE.length + 1), "run");
    return `SELECT run.first, run.last, run.file_id, ${file.columns}, '${table}' AS run_table
       FROM ${table} AS run ${file.joins}
       WHERE run.session = ?1 AND run.first <= ?2`;
  });
  const rows = sql.until<{
    first: number;
    last: number;
    file_id: number;
    state: string | null;
    facts: string | null;
    key: string | null;
    run_table: string;
  }>(`${arms.join(" UNION ALL ")} ORDER BY 1 DESC`, [session, highest], (row) => row.last >= lowest);
  return rows.map((row) => ({
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
  for (const { session, runs } of newRuns) {
    for (const run of runs) {
      sql.run(
        `INSERT INTO ${table} (session, first, last, file_id) VALUES (?1, ?2, ?3, ?4)`,
        session,
        run.first,
        run.last,
        fileId,
      );
    }
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
