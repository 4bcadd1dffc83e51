/**
 * The reads of the pull API: each of the tenant's ledger shards lists its committed files (src/ledger/
 * shard-manifest.ts), and the D1 manifest table export_files adds the files of before the shards (and holds a
 * copy of the files of tenants with push destinations, which are merged by key). In D1 only 'committed' rows
 * are files: a pending or abandoned row may have no object, or one that will be deleted; an erased row's object
 * is gone (docs/privacy.md). Every query is scoped to one tenant. The Parquet files of closed days and the
 * aggregates (format 'parquet' and 'aggregates') are in D1 alone. The cron's compaction reads a closed day's files
 * here too (src/compaction/), so a change of where the manifest lives changes this module alone. Days past the
 * shards' manifest retention are listed from the R2 objects themselves as well (stored-files.ts); manifest rows,
 * where they still exist, win over what an object's metadata says.
 * @module
 */
import { dayOfStoredKey, type ExportFormat, exportDayPrefix } from "../../core/exports/export-key.js";
import type { ExportFileEntry } from "../../core/exports/export-listing.js";
import { readConfig } from "../../core/foundation/config.js";
import { tenantShards, type LedgerBindings } from "../ledger-shards.js";
import { formatOfTenantKey } from "./requested-key.js";
import { findStoredFile, lastDayPastRetention, listStoredFiles, storedDayFiles } from "./stored-files.js";

export type ManifestBindings = LedgerBindings & Pick<Env, "EXPORTS">;

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
  format: ExportFormat;
  /** Inclusive bounds on the day folder; undefined = unbounded. */
  fromDay: string | undefined;
  toDay: string | undefined;
  afterKey: string | undefined;
  limit: number;
}

/** Committed files of a tenant in key order. Keys start with `{tenant}/{yyyy}/…/{day}/`, so key order is day order. */
export async function listCommittedFiles(env: ManifestBindings, range: FileRange): Promise<ExportFileEntry[]> {
  if (range.format !== "jsonl") return listLegacyFiles(env.DB, range);
  const request = {
    fromKey: range.fromDay ? exportDayPrefix(range.tenant, range.fromDay) : `${range.tenant}/`,
    belowKey: `${range.toDay ? exportDayPrefix(range.tenant, range.toDay) : `${range.tenant}/`}\u{10FFFF}`,
    afterKey: range.afterKey ?? "",
    limit: range.limit,
  };
  // Days up to the last one past the retention are listed from R2 too (a page after them costs no list call).
  const storedBelowKey = minKey(
    request.belowKey,
    `${exportDayPrefix(range.tenant, lastDayPastRetentionOf(env))}\u{10FFFF}`,
  );
  const stored =
    request.fromKey < storedBelowKey && request.afterKey < storedBelowKey
      ? listStoredFiles(env.EXPORTS, { ...request, tenant: range.tenant, belowKey: storedBelowKey })
      : [];
  // Stored entries first: a manifest row of the same key, later in the list, wins.
  const lists = await Promise.all([
    stored,
    listLegacyFiles(env.DB, range),
    ...tenantShards(env, range.tenant).map((shard) => shard.listFiles(request)),
  ]);
  return uniqueByKey(lists.flat() as ExportFileEntry[]).slice(0, range.limit);
}

async function listLegacyFiles(db: D1Database, range: FileRange): Promise<ExportFileEntry[]> {
  const result = await db
    .prepare(
      `SELECT ${FILE_COLUMNS} FROM export_files
       WHERE tenant = ?1 AND state = 'committed' AND erased_at IS NULL AND day >= ?2 AND day <= ?3 AND key > ?4
         AND format = ?6
       ORDER BY key LIMIT ?5`,
    )
    .bind(
      range.tenant,
      range.fromDay ?? "0000-00-00",
      range.toDay ?? "9999-12-31",
      range.afterKey ?? "",
      range.limit,
      range.format,
    )
    .all<ManifestRow>();
  return result.results.map(toEntry);
}

/** The committed file at `key` if it is the tenant's, else undefined. */
export async function findCommittedFile(
  env: ManifestBindings,
  tenant: string,
  key: string,
): Promise<ExportFileEntry | undefined> {
  const pastRetention =
    formatOfTenantKey(key, tenant) === "jsonl" && dayOfStoredKey(key) <= lastDayPastRetentionOf(env);
  const found = await Promise.all([
    findLegacyFile(env.DB, tenant, key),
    ...tenantShards(env, tenant).map((shard) => shard.findFile(key)),
  ]);
  const inManifest = (found as Array<ExportFileEntry | null | undefined>).find((entry) => entry) ?? undefined;
  return inManifest ?? (pastRetention ? findStoredFile(env.EXPORTS, key) : undefined);
}

async function findLegacyFile(db: D1Database, tenant: string, key: string): Promise<ExportFileEntry | undefined> {
  const row = await db
    .prepare(
      `SELECT ${FILE_COLUMNS} FROM export_files WHERE key = ?1 AND tenant = ?2 AND state = 'committed' AND erased_at IS NULL`,
    )
    .bind(key, tenant)
    .first<ManifestRow>();
  return row ? toEntry(row) : undefined;
}

export interface DayFiles {
  /** The day folder's JSON Lines export files. */
  files: ExportFileEntry[];
  /** Events by type over the day's JSON Lines files, from each file's type_counts. */
  types: Record<string, number>;
  /** Events of the day's files that happened on an earlier day (files of the D1 ledger add none: not counted). */
  earlierDayEvents: number;
  /** The day's Parquet files (once the day is closed and compacted) and aggregates (a month's last day: two). */
  parquet: ExportFileEntry[];
  aggregates: ExportFileEntry[];
}

/**
 * Every committed file of one day folder, their events by type and how many happened on earlier days, and the
 * day's Parquet and aggregates files.
 */
export async function readDayFiles(env: ManifestBindings, tenant: string, day: string): Promise<DayFiles> {
  const pastRetention = day <= lastDayPastRetentionOf(env);
  const [stored, legacy, ...shards] = await Promise.all([
    pastRetention ? storedDayFiles(env.EXPORTS, tenant, exportDayPrefix(tenant, day)) : undefined,
    env.DB.prepare(
      `SELECT ${FILE_COLUMNS}, type_counts, format FROM export_files
       WHERE tenant = ?1 AND day = ?2 AND state = 'committed' AND erased_at IS NULL ORDER BY key`,
    )
      .bind(tenant, day)
      .all<ManifestRow & { type_counts: string | null; format: ExportFormat }>(),
    ...tenantShards(env, tenant).map((shard) => shard.dayFiles(exportDayPrefix(tenant, day))),
  ]);
  const files = new Map<string, ExportFileEntry>();
  const types: Record<string, number> = {};
  let earlierDayEvents = 0;
  const addTypes = (counts: Record<string, number>) => {
    for (const [type, count] of Object.entries(counts)) types[type] = (types[type] ?? 0) + count;
  };
  const derived = { parquet: [] as ExportFileEntry[], aggregates: [] as ExportFileEntry[] };
  for (const shard of shards as Array<Pick<DayFiles, "files" | "types"> & { earlierDayEvents?: number }>) {
    for (const file of shard.files) files.set(file.key, file);
    addTypes(shard.types);
    earlierDayEvents += shard.earlierDayEvents ?? 0;
  }
  // A tenant with push destinations has a copy of each shard file in D1: count it once.
  for (const row of legacy.results) {
    if (row.format !== "jsonl") {
      derived[row.format].push(toEntry(row));
      continue;
    }
    if (files.has(row.key)) continue;
    files.set(row.key, toEntry(row));
    addTypes(row.type_counts ? (JSON.parse(row.type_counts) as Record<string, number>) : {});
  }
  // Past the retention: the files whose manifest rows aged out, with the counts their metadata holds.
  for (const file of stored?.files ?? []) {
    if (files.has(file.key)) continue;
    files.set(file.key, file);
    const facts = stored!.facts.get(file.key)!;
    addTypes(facts.types);
    earlierDayEvents += facts.earlierDayEvents;
  }
  return {
    files: [...files.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : 1))),
    earlierDayEvents,
    ...derived,
  };
}

function lastDayPastRetentionOf(env: ManifestBindings): string {
  return lastDayPastRetention(new Date(), readConfig(env).ledger.manifestRetentionDays);
}

function minKey(a: string, b: string): string {
  return a < b ? a : b;
}

function uniqueByKey(entries: readonly ExportFileEntry[]): ExportFileEntry[] {
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
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
