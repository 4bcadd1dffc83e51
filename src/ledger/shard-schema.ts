/**
 * The tables of one ledger shard (a SQLite Durable Object: one tenant, one shard of its sessions). Created on
 * first use; the `schema_version` row of meta says which version a shard has (Durable Objects do not authorize
 * `PRAGMA user_version`), so a later change adds a step here:
 *  0 (no row): a new shard, or one of before the versions (the tables below, and the legacy `runs` table).
 *  1: runs in day tables (shard-runs.ts). A new shard gets the tables below; a shard of before keeps its legacy
 *     `runs` table, which every read of runs includes and the sweep empties as its runs age out and then drops.
 *     Nothing is moved: its runs keep deciding duplicates until the window has passed.
 *  2: files in day tables (shard-files.ts). A new shard has no `files` table; a shard of before keeps its legacy
 *     one, which every read of files includes and the sweep empties as its files age out and then drops: its
 *     committed files keep answering duplicates and the listing, its pending ones can still commit.
 *
 * files_{yyyymmdd}: one row per export file attempt of the shard, in the day table of its id's day (created by
 *   the day's first claim, dropped whole by the sweep past the manifest retention). id grows with time (epoch ms
 *   × 1000 + a counter, see shard-files.ts), so an id is never reused and runs and files can be aged by it.
 *   'pending' = events claimed, object maybe written; 'committed' = the file of record for its events, with its
 *   facts (the manifest); 'abandoned' = can never commit, its object still to delete; 'swept' = abandoned and
 *   its object deleted. The unique index on key serves lookups by key and the pull API's listing in key (= day)
 *   order.
 * runs_{yyyymmdd}: which sequence numbers of a session each file holds, one row per run of consecutive numbers,
 *   in the day table of its claim (created by the day's first claim, dropped whole by the sweep). A run of a
 *   committed file makes its numbers duplicates; a run of any other file is void and is taken over.
 * rollups: the insights of the shard's committed events per (time axis, grain, bucket): counts by dimension
 *   and value as JSON, HyperLogLog sketches of users and devices. The axis is 'received' (minutes by the collector's
 *   clock, and days of the events that happened on the day received), 'received_late' (the same of the events
 *   that happened on an earlier day) and 'event_late' (days of those events by the day they happened): see
 *   src/core/insights/insight-rollup.ts. The received minutes of a day live in a table of their own until the day
 *   is folded into its day rows here (minutes_yyyymmdd, created on first use: shard-minute-tables.ts); minute
 *   rows in this table are from before those tables, until they age out.
 * sealed: sessions a later shard count moved to another shard (src/core/exports/shard-schedule.ts), with when
 *   that count took effect: a claim routed by an older count is refused. Aged out with the runs.
 * reports: the ids of request reports sent without events (src/core/events/request-report.ts) whose counts are
 *   in the rollups, so each is counted once (shard-reports.ts); aged out with the runs.
 * Every table is keyed for the one lookup it serves and has no other index: SQLite-backed Durable Objects bill a
 *   written row per index an insert touches, as D1 does.
 * @module
 */

const SCHEMA_VERSION = 2;

export function ensureShardSchema(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID");
  const [stored] = sql.exec<{ value: number }>("SELECT value FROM meta WHERE name = 'schema_version'").toArray();
  if ((stored?.value ?? 0) >= SCHEMA_VERSION) return;
  // From 0 or 1: the tables of version 2 (a shard of before has them, and keeps its legacy runs and files tables;
  // the day tables are created on first use).
  sql.exec(`
    CREATE TABLE IF NOT EXISTS rollups (
      axis TEXT NOT NULL,
      grain TEXT NOT NULL,
      bucket TEXT NOT NULL,
      counts TEXT NOT NULL,
      sketches TEXT NOT NULL,
      PRIMARY KEY (axis, grain, bucket)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS sealed (
      session TEXT PRIMARY KEY,
      step_from INTEGER NOT NULL,
      sealed_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS reports (id TEXT PRIMARY KEY, counted_at INTEGER NOT NULL) WITHOUT ROWID;
  `);
  sql.exec(
    "INSERT INTO meta (name, value) VALUES ('schema_version', ?1) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    SCHEMA_VERSION,
  );
}
