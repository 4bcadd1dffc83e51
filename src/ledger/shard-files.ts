/**
 * Where a shard keeps its files rows (what they mean: shard-schema.ts, shard-claims.ts): in day tables
 * `files_{yyyymmdd}` (day-tables.ts), a file in the table of the UTC day of its id's time, which the sweep drops
 * whole once the whole day is older than MANIFEST_RETENTION_DAYS: a DROP writes no billed row, where deleting
 * the files one by one wrote one per file. Each table keeps its UNIQUE index on key (keys are unique across the
 * tables too: each holds a UUID). A shard of before the day tables also has the legacy `files` table (same
 * columns): every lookup reads it as well, its rows are deleted by id as they age out, and it is dropped once
 * empty, so its files keep answering duplicates, commits and the listing across the switch.
 *
 * By id (the runs' joins, abandon, the sweep's markSwept) the table is exact: a file id is epoch ms ×
 * FILE_IDS_PER_MS + a counter, so its day is the id's. Why the id's day and not the key's: the runs of a claim
 * go into the runs table of the same day, so each runs table joins exactly one files table (the claim's hot read),
 * and a file's runs and row age by the same clock; the key's day would make every join probe two or three tables,
 * where only the lookups by key (one per commit, and the pull API's) probe three here.
 *
 * By key (commit, findFile, changeErasedFile, the listing, dayFiles) the table is one of three: a key's day
 * folder is the consumer's writtenAt (its batch's start, by the consumer's clock), and the file's id the shard's
 * clock at the claim, which follows writtenAt by at most one attempt (15 minutes of wall time), never by a day:
 * so a key of day K is in the table of K or, claimed just after midnight, of K + 1. The id is never earlier than
 * the shard's clock (it only moves up past the last id), but the shard's clock may trail the consumer's by a
 * clock skew of milliseconds: a file written at 00:00:00.002 of K and claimed when the shard read 23:59:59.999 is
 * in the table of K - 1. So a key's day K is looked up in the tables of K - 1, K and K + 1 (those that exist):
 * three index probes (and the legacy table's) in one statement, the rows read are the one found. The listing
 * merges, in key order, the ordered results of the tables whose days can hold a key of its range (its days
 * widened by one each way), 5 tables per statement (Durable Objects' SQLite's limit of a compound SELECT).
 * The hourly sweep reads only the tables that can hold a file still to sweep (unsettledFiles).
 * @module
 */
import {
  type BaseTables,
  dayOf,
  dayTableName,
  daysBefore,
  dropDayTablesBefore,
  ensureDayTable,
  readDayTables,
  statementGroups,
} from "./day-tables.js";
import type { MeteredSql } from "./sql-usage.js";

/** File ids are epoch ms × this plus a counter: they grow with time and are never reused. */
export const FILE_IDS_PER_MS = 1000;

export const FILES = "files";
const COLUMNS = `id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'abandoned', 'swept')),
  created_at INTEGER NOT NULL, facts TEXT`;

/** A shard's files tables (read with its other day tables: readDayTables). */
export type FileTables = BaseTables;

/** A file row found by key, with the table that holds it. */
export interface FoundFile {
  table: string;
  id: number;
  key: string;
  state: string;
  facts: string | null;
}

/** The shard's files tables: one read of sqlite_schema (a claim reads them with its runs tables instead). */
export function readFileTables(sql: MeteredSql): FileTables {
  return readDayTables(sql, [FILES])[FILES];
}

/** The day ('yyyymmdd') of a file id: the day of its table. */
export function dayOfFileId(id: number): string {
  return dayOf(Math.floor(id / FILE_IDS_PER_MS));
}

/** Every files table: the day tables, newest first, then the legacy one. */
export function fileTableNames(tables: FileTables): string[] {
  const names = tables.days.map((day) => dayTableName(FILES, day));
  return tables.base ? [...names, FILES] : names;
}

/** The tables that can hold the file of `id`: its day's, and the legacy one (whose ids are older than any day's). */
function tablesOfId(tables: FileTables, id: number): string[] {
  const day = dayOfFileId(id);
  return fileTableNames({ days: tables.days.filter((tableDay) => tableDay === day), base: tables.base });
}

/** The tables that can hold keys of the days [fromDay, toDay] ('yyyymmdd'; undefined: unbounded), oldest day last. */
function tablesOfKeyDays(tables: FileTables, fromDay: string | undefined, toDay: string | undefined): string[] {
  const lowest = fromDay === undefined ? undefined : daysBefore(fromDay, 1);
  const highest = toDay === undefined ? undefined : daysBefore(toDay, -1);
  const days = tables.days.filter(
    (day) => (lowest === undefined || day >= lowest) && (highest === undefined || day <= highest),
  );
  return fileTableNames({ days, base: tables.base });
}

/** The 'yyyymmdd' of the day folder a key (or a key prefix) names, if it names one. */
export function dayOfKey(key: string): string | undefined {
  const folder = /^[^/]+\/\d{4}\/\d{4}-\d{2}\/(\d{4})-(\d{2})-(\d{2})\//.exec(key);
  return folder ? `${folder[1]}${folder[2]}${folder[3]}` : undefined;
}

/**
 * The columns `state`, `facts` and `key` of the file of `{run}.file_id` for a statement over the runs of `day`
 * (null: the legacy runs table, whose files are in the legacy files table), and the LEFT JOINs that give them.
 */
export function fileOfRun(tables: FileTables, runDay: string | null, run: string): { joins: string; columns: string } {
  const sources = [
    ...(runDay !== null && tables.days.includes(runDay) ? [dayTableName(FILES, runDay)] : []),
    // A day's runs claimed before the shard moved to files day tables name files of the legacy table.
    ...(tables.base ? [FILES] : []),
  ];
  const joins = sources.map((table, index) => `LEFT JOIN ${table} AS file${index} ON file${index}.id = ${run}.file_id`);
  const column = (name: string) =>
    sources.length === 0
      ? `NULL AS ${name}`
      : sources.length === 1
        ? `file0.${name} AS ${name}`
        : `coalesce(${sources.map((_, index) => `file${index}.${name}`).join(", ")}) AS ${name}`;
  return { joins: joins.join(" "), columns: ["state", "facts", "key"].map(column).join(", ") };
}

/** The id after the shard's newest file's, or the time's if later: ids grow across tables and are never reused. */
export function nextFileId(sql: MeteredSql, tables: FileTables, now: number): number {
  // Ids only grow and a file's table is its id's day, so the newest day table holds the newest id (else legacy).
  const newest = tables.days[0] !== undefined ? dayTableName(FILES, tables.days[0]) : tables.base ? FILES : null;
  const [latest] = newest ? sql.all<{ id: number }>(`SELECT id FROM ${newest} ORDER BY id DESC LIMIT 1`) : [];
  return Math.max(now * FILE_IDS_PER_MS, (latest?.id ?? 0) + 1);
}

/** A claim's new file, pending, in the table of its id's day (created on the day's first claim). */
export function insertPendingFile(sql: MeteredSql, tables: FileTables, id: number, key: string, now: number): void {
  const day = dayOfFileId(id);
  const table = tables.days.includes(day) ? dayTableName(FILES, day) : ensureDayTable(sql, FILES, day, COLUMNS);
  sql.run(`INSERT INTO ${table} (id, key, state, created_at) VALUES (?1, ?2, 'pending', ?3)`, id, key, now);
}

/** Abandons the file of `id` if it is pending (it can never commit); returns its key if it was. */
export function abandonFile(sql: MeteredSql, tables: FileTables, id: number): string[] {
  for (const table of tablesOfId(tables, id)) {
    const abandoned = sql.all<{ key: string }>(
      `UPDATE ${table} SET state = 'abandoned' WHERE id = ?1 AND state = 'pending' RETURNING key`,
      id,
    );
    if (abandoned.length > 0) return abandoned.map((row) => row.key);
  }
  return [];
}

/** The file row of `key`, in whichever of the tables its day can be in. */
export function findFileRow(sql: MeteredSql, tables: FileTables, key: string): FoundFile | null {
  const day = dayOfKey(key);
  // Every key a claim names is in a day folder: any other (a Parquet file's, say) is no file of the shard.
  if (day === undefined) return null;
  const candidates = tablesOfKeyDays(tables, day, day);
  if (candidates.length === 0) return null;
  const [row] = sql.all<FoundFile & Record<string, string | number | null>>(
    candidates
      .map((table) => `SELECT '${table}' AS "table", id, key, state, facts FROM ${table} WHERE key = ?1`)
      .join(" UNION ALL "),
    key,
  );
  return row ?? null;
}

/**
 * Commits the file of `key` with its facts if it is pending; false if no table holds it pending (absent, or
 * committed, abandoned, swept). One UPDATE per table its day can be in, the key's own day first (where a file
 * almost always is): keys are unique across the tables, so the first that has it is the only one, and the
 * common commit is one statement where a lookup and an update were two.
 */
export function commitPendingFile(sql: MeteredSql, tables: FileTables, key: string, facts: string): boolean {
  const day = dayOfKey(key);
  if (day === undefined) return false;
  const own = tables.days.includes(day) ? [dayTableName(FILES, day)] : [];
  const candidates = [...own, ...tablesOfKeyDays(tables, day, day).filter((table) => !own.includes(table))];
  return candidates.some(
    (table) =>
      sql.all(
        `UPDATE ${table} SET state = 'committed', facts = ?2 WHERE key = ?1 AND state = 'pending' RETURNING id`,
        key,
        facts,
      ).length > 0,
  );
}

/** Sets a file's state and facts (by its table and id, as findFileRow found it). */
export function updateFile(sql: MeteredSql, file: Pick<FoundFile, "table" | "id">, state: string, facts: string): void {
  sql.run(`UPDATE ${file.table} SET state = ?2, facts = ?3 WHERE id = ?1`, file.id, state, facts);
}

export interface KeyRange {
  fromKey: string;
  belowKey: string;
  afterKey: string;
}

/**
 * Committed files with keys in [fromKey, belowKey) and after afterKey that pass `where` (SQL over key, facts),
 * in key order, at most `limit` (-1: all), from the tables whose days can hold such keys. A statement reads 5
 * tables (statementGroups), its ORDER BY merging their key indexes, stepping each only as far as needed; the
 * groups go oldest day first, and stop once `limit` keys are found that sort before any key the next group can
 * hold (a key's day is at least its table's day - 1), so a page from the start reads about one group.
 */
export function committedInRange(
  sql: MeteredSql,
  tables: FileTables,
  range: KeyRange,
  where: string,
  limit: number,
): Array<{ key: string; facts: string }> {
  const after = dayOfKey(range.afterKey);
  const from = dayOfKey(range.fromKey);
  const lowest = after !== undefined && (from === undefined || after > from) ? after : from;
  // Oldest first: the legacy table (older than every day table), then the days ascending.
  const candidates = tablesOfKeyDays(tables, lowest, dayOfKey(range.belowKey)).reverse();
  let found: Array<{ key: string; facts: string }> = [];
  for (const group of statementGroups(candidates)) {
    const last = limit >= 0 ? found[limit - 1] : undefined;
    if (last !== undefined && dayOfKey(last.key)! < daysBefore(dayOfTable(group[0]!), 1)) break;
    const arms = group.map(
      (table) => `SELECT key, facts FROM ${table}
        WHERE key >= ?1 AND key < ?2 AND key > ?3 AND state = 'committed' AND ${where}`,
    );
    const rows = sql.all<{ key: string; facts: string }>(
      `${arms.join(" UNION ALL ")} ORDER BY key LIMIT ?4`,
      range.fromKey,
      range.belowKey,
      range.afterKey,
      limit,
    );
    found = [...found, ...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (limit >= 0) found = found.slice(0, limit);
  }
  return found;
}

/** The day of a files table ('00000000' for the legacy one, whose keys may be of any day before the day tables). */
function dayOfTable(table: string): string {
  return table === FILES ? "00000000" : table.slice(FILES.length + 1);
}

/**
 * The files that never committed and whose objects are still to delete (abandoned, or pending since before
 * `pendingBefore`), at most `limit`, with their tables. Only the tables that can hold such files are read:
 * a file is abandoned only by a claim that voids one of its runs, so while its day's runs table exists
 * (`runDays`); a pending file is created in the table of the claim's day, which has a runs table too; and the
 * sweep drops a day's runs table only once that day's files are all settled (settledFiles). Plus the legacy table.
 */
export function unsettledFiles(
  sql: MeteredSql,
  tables: FileTables,
  runDays: readonly string[],
  pendingBefore: number,
  limit: number,
): Array<{ table: string; id: number; key: string }> {
  const candidates = fileTableNames({ days: tables.days.filter((day) => runDays.includes(day)), base: tables.base });
  const found: Array<{ table: string; id: number; key: string }> = [];
  for (const group of statementGroups(candidates)) {
    if (found.length >= limit) break;
    const arms = group.map(
      (table) => `SELECT '${table}' AS "table", id, key FROM ${table}
        WHERE state = 'abandoned' OR (state = 'pending' AND created_at < ?1)`,
    );
    found.push(
      ...sql.all<{ table: string; id: number; key: string }>(
        `${arms.join(" UNION ALL ")} LIMIT ?2`,
        pendingBefore,
        limit - found.length,
      ),
    );
  }
  return found;
}

/** Whether the day's files are all committed or swept (or aged out): its runs table may then go. */
export function settledFiles(sql: MeteredSql, tables: FileTables, day: string): boolean {
  if (!tables.days.includes(day)) return true;
  const table = dayTableName(FILES, day);
  return sql.all(`SELECT 1 FROM ${table} WHERE state IN ('pending', 'abandoned') LIMIT 1`).length === 0;
}

/** The sweep deleted these files' objects: they become 'swept' (never a committed one). */
export function markSwept(sql: MeteredSql, files: ReadonlyArray<{ table: string; id: number }>): void {
  for (const table of new Set(files.map((file) => file.table))) {
    sql.run(
      `UPDATE ${table} SET state = 'swept' WHERE id IN (SELECT value FROM json_each(?1)) AND state <> 'committed'`,
      JSON.stringify(files.filter((file) => file.table === table).map((file) => file.id)),
    );
  }
}

/**
 * Ages out the files created before `createdBefore` (epoch ms): the day tables of days that ended by then are
 * dropped whole (every file in them is older), the legacy table's old rows deleted one by one and the table
 * dropped once empty. A day table of the day `createdBefore` falls in stays whole until the next day's sweep:
 * files are kept up to a day longer, never less.
 */
export function expireFiles(
  sql: MeteredSql,
  tables: FileTables,
  createdBefore: number,
): { filesExpired: number; fileTablesDropped: string[] } {
  const fileTablesDropped = dropDayTablesBefore(sql, FILES, dayOf(createdBefore), tables.days).map((day) =>
    dayTableName(FILES, day),
  );
  if (!tables.base) return { filesExpired: 0, fileTablesDropped };
  const filesExpired = sql.all(
    `DELETE FROM ${FILES} WHERE id < ?1 RETURNING 1`,
    createdBefore * FILE_IDS_PER_MS,
  ).length;
  if (sql.all(`SELECT 1 FROM ${FILES} LIMIT 1`).length === 0) {
    sql.run(`DROP TABLE ${FILES}`);
    fileTablesDropped.push(FILES);
  }
  return { filesExpired, fileTablesDropped };
}

/** Rows per files table (day tables and the legacy one). */
export function countFiles(sql: MeteredSql, tables: FileTables): Record<string, number> {
  return Object.fromEntries(
    fileTableNames(tables).map((table) => [
      table,
      sql.all<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`)[0]!.rows,
    ]),
  );
}
