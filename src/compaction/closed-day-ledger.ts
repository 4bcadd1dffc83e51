/**
 * The D1 statements of the closed-day outputs (src/compaction/): the manifest rows of the Parquet and
 * aggregates files (export_files, format 'parquet' or 'aggregates', written 'committed' once their object is
 * verified, so the pull API and push delivery treat them like any file), and closed_day_outputs, what is
 * finished for each closed day of a tenant (migrations/0012).
 * @module
 */
import type { ExportFormat } from "../core/exports/export-key.js";
import type { EventTypeCounts } from "../core/exports/event-type-counts.js";

export type ClosedDayOutput = "parquet" | "aggregates" | "monthly_aggregates";

export interface DerivedFile {
  key: string;
  tenant: string;
  /** The closed day it belongs to (a month's aggregates: the month's last day). */
  day: string;
  format: Exclude<ExportFormat, "jsonl">;
  events: number;
  bytes: number;
  etag: string;
  first: string;
  last: string;
  typeCounts: EventTypeCounts | null;
}

/**
 * Records a verified file; a file written again (same key) replaces its facts, and is listed again if an erasure
 * had emptied the file that was there before.
 */
export async function recordDerivedFile(db: D1Database, file: DerivedFile, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO export_files (key, tenant, day, state, events, bytes, first_receivedat, last_receivedat, created_at,
         committed_at, etag, type_counts, format)
       VALUES (?1, ?2, ?3, 'committed', ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)
       ON CONFLICT (key) DO UPDATE SET events = excluded.events, bytes = excluded.bytes,
         first_receivedat = excluded.first_receivedat, last_receivedat = excluded.last_receivedat,
         committed_at = excluded.committed_at, etag = excluded.etag, type_counts = excluded.type_counts,
         erased_at = NULL`,
    )
    .bind(
      file.key,
      file.tenant,
      file.day,
      file.events,
      file.bytes,
      file.first,
      file.last,
      now,
      file.etag,
      file.typeCounts === null ? null : JSON.stringify(file.typeCounts),
      file.format,
    )
    .run();
}

/** Forgets files of a day that a new plan no longer has (their objects are deleted first by the caller). */
export async function forgetDerivedFiles(db: D1Database, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .prepare("DELETE FROM export_files WHERE key IN (SELECT value FROM json_each(?1)) AND format != 'jsonl'")
    .bind(JSON.stringify(keys))
    .run();
}

/** A closed day's output to be written again (the cron's next run within LOOKBACK_DAYS, or `npm run compact`). */
export async function forgetOutput(
  db: D1Database,
  output: { tenant: string; day: string; output: ClosedDayOutput },
): Promise<void> {
  await db
    .prepare("DELETE FROM closed_day_outputs WHERE tenant = ?1 AND day = ?2 AND output = ?3")
    .bind(output.tenant, output.day, output.output)
    .run();
}

export async function markOutputDone(
  db: D1Database,
  done: { tenant: string; day: string; output: ClosedDayOutput; files: number; events: number },
  now: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO closed_day_outputs (tenant, day, output, files, events, done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (tenant, day, output) DO UPDATE SET files = excluded.files, events = excluded.events,
         done_at = excluded.done_at`,
    )
    .bind(done.tenant, done.day, done.output, done.files, done.events, now)
    .run();
}

/** `tenant day output` of every output finished for the days [fromDay, toDay]. */
export async function finishedOutputs(db: D1Database, fromDay: string, toDay: string): Promise<Set<string>> {
  const rows = await db
    .prepare("SELECT tenant, day, output FROM closed_day_outputs WHERE day >= ?1 AND day <= ?2")
    .bind(fromDay, toDay)
    .all<{ tenant: string; day: string; output: ClosedDayOutput }>();
  return new Set(rows.results.map((row) => outputId(row.tenant, row.day, row.output)));
}

export function outputId(tenant: string, day: string, output: ClosedDayOutput): string {
  return `${tenant} ${day} ${output}`;
}

export interface ClosedDayTenant {
  tenant: string;
  parquet: boolean;
}

/** The registered, enabled tenants: each gets aggregates, those with Parquet on get Parquet files too. */
export async function closedDayTenants(db: D1Database): Promise<ClosedDayTenant[]> {
  const rows = await db
    .prepare("SELECT tenant, parquet FROM tenants WHERE enabled = 1 ORDER BY tenant")
    .all<{ tenant: string; parquet: number }>();
  return rows.results.map((row) => ({ tenant: row.tenant, parquet: row.parquet === 1 }));
}
