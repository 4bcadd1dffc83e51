/**
 * The D1 reads of the pull API, over the manifest table export_files. Only 'committed' rows are files: a
 * pending or abandoned row may have no object, or one that will be deleted. Every query is scoped to one tenant.
 * @module
 */
import type { ExportFileEntry } from "../../core/exports/export-listing.js";

interface ManifestRow {
  key: string;
  bytes: number | null;
  events: number | null;
  first_receivedat: string | null;
  last_receivedat: string | null;
  etag: string | null;
}

const FILE_COLUMNS = "key, bytes, events, first_receivedat, last_receivedat, etag";

export interface FileRange {
  tenant: string;
  /** Inclusive bounds on the day folder; undefined = unbounded. */
  fromDay: string | undefined;
  toDay: string | undefined;
  afterKey: string | undefined;
  limit: number;
}

/** Committed files of a tenant in key order. Keys start with `{tenant}/{yyyy}/…/{day}/`, so key order is day order. */
export async function listCommittedFiles(db: D1Database, range: FileRange): Promise<ExportFileEntry[]> {
  const result = await db
    .prepare(
      `SELECT ${FILE_COLUMNS} FROM export_files
       WHERE tenant = ?1 AND state = 'committed' AND day >= ?2 AND day <= ?3 AND key > ?4
       ORDER BY key LIMIT ?5`,
    )
    .bind(range.tenant, range.fromDay ?? "0000-00-00", range.toDay ?? "9999-12-31", range.afterKey ?? "", range.limit)
    .all<ManifestRow>();
  return result.results.map(toEntry);
}

/** The committed file at `key` if it is the tenant's, else undefined. */
export async function findCommittedFile(
  db: D1Database,
  tenant: string,
  key: string,
): Promise<ExportFileEntry | undefined> {
  const row = await db
    .prepare(`SELECT ${FILE_COLUMNS} FROM export_files WHERE key = ?1 AND tenant = ?2 AND state = 'committed'`)
    .bind(key, tenant)
    .first<ManifestRow>();
  return row ? toEntry(row) : undefined;
}

export interface DayFiles {
  files: ExportFileEntry[];
  /** Events by type over the day's files, from each file's type_counts. */
  types: Record<string, number>;
}

/** Every committed file of one day folder and their events by type, read in one D1 batch (one snapshot). */
export async function readDayFiles(db: D1Database, tenant: string, day: string): Promise<DayFiles> {
  const [files, types] = await db.batch<ManifestRow | { type: string; events: number }>([
    db
      .prepare(
        `SELECT ${FILE_COLUMNS} FROM export_files WHERE tenant = ?1 AND day = ?2 AND state = 'committed' ORDER BY key`,
      )
      .bind(tenant, day),
    db
      .prepare(
        `SELECT counts.key AS type, SUM(counts.value) AS events
         FROM export_files AS file, json_each(file.type_counts) AS counts
         WHERE file.tenant = ?1 AND file.day = ?2 AND file.state = 'committed'
         GROUP BY counts.key ORDER BY counts.key`,
      )
      .bind(tenant, day),
  ]);
  return {
    files: ((files?.results ?? []) as ManifestRow[]).map(toEntry),
    types: Object.fromEntries(
      ((types?.results ?? []) as { type: string; events: number }[]).map((row) => [row.type, row.events]),
    ),
  };
}

// A committed row has every fact set (the commit writes them together); the fallbacks only satisfy the types.
function toEntry(row: ManifestRow): ExportFileEntry {
  return {
    key: row.key,
    size: row.bytes ?? 0,
    events: row.events ?? 0,
    first: row.first_receivedat ?? "",
    last: row.last_receivedat ?? "",
    etag: row.etag,
  };
}
