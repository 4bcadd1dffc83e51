/**
 * A shard's manifest: its committed files' facts (the files rows the commit wrote), read by the pull API. Kept
 * MANIFEST_RETENTION_DAYS (then aged out by the shard's sweep, shard-sweep.ts). Keys start with
 * `{tenant}/{yyyy}/{yyyy-mm}/{yyyy-mm-dd}/`, so key order is day order and a day range is a key range.
 * @module
 */
import type { ExportFileEntry } from "../core/exports/export-listing.js";
import type { CommittedFacts, DayFiles, ErasedFileRequest, FileListRequest } from "../core/exports/ledger-protocol.js";
import type { MeteredSql } from "./sql-usage.js";

interface FileRow {
  key: string;
  facts: string;
  [column: string]: string;
}

/** A committed file a privacy erasure emptied is no longer a file of the manifest. */
const NOT_ERASED = "json_extract(facts, '$.erasedAt') IS NULL";

/** Applies an erasure's change to a committed file's facts; returns whether the shard holds the file. */
export function changeErasedFile(sql: MeteredSql, request: ErasedFileRequest): boolean {
  const [row] = sql.all<FileRow>("SELECT key, facts FROM files WHERE key = ?1 AND state = 'committed'", request.key);
  if (!row) return false;
  const facts = { ...(JSON.parse(row.facts) as CommittedFacts), ...request.change };
  sql.all("UPDATE files SET facts = ?2 WHERE key = ?1", request.key, JSON.stringify(facts));
  return true;
}

export function listFiles(sql: MeteredSql, request: FileListRequest): ExportFileEntry[] {
  return sql
    .all<FileRow>(
      `SELECT key, facts FROM files
       WHERE key >= ?1 AND key < ?2 AND key > ?3 AND state = 'committed' AND ${NOT_ERASED} ORDER BY key LIMIT ?4`,
      request.fromKey,
      request.belowKey,
      request.afterKey,
      request.limit,
    )
    .map(toEntry);
}

export function findFile(sql: MeteredSql, key: string): ExportFileEntry | null {
  const [row] = sql.all<FileRow>(
    `SELECT key, facts FROM files WHERE key = ?1 AND state = 'committed' AND ${NOT_ERASED}`,
    key,
  );
  return row ? toEntry(row) : null;
}

/** Every committed file whose key starts with `dayPrefix`, their events by type and how many happened earlier. */
export function dayFiles(sql: MeteredSql, dayPrefix: string): DayFiles {
  const rows = sql.all<FileRow>(
    `SELECT key, facts FROM files WHERE key >= ?1 AND key < ?2 AND state = 'committed' AND ${NOT_ERASED} ORDER BY key`,
    dayPrefix,
    `${dayPrefix}\u{10FFFF}`,
  );
  const types: Record<string, number> = {};
  let earlierDayEvents = 0;
  for (const row of rows) {
    const facts = JSON.parse(row.facts) as CommittedFacts;
    for (const [type, count] of Object.entries(facts.typeCounts)) types[type] = (types[type] ?? 0) + count;
    earlierDayEvents += facts.earlierDayEvents ?? 0;
  }
  return { files: rows.map(toEntry), types, earlierDayEvents };
}

function toEntry(row: FileRow): ExportFileEntry {
  const facts = JSON.parse(row.facts) as CommittedFacts;
  return {
    key: row.key,
    size: facts.bytes,
    events: facts.events,
    first: facts.firstReceivedAt,
    last: facts.lastReceivedAt,
    etag: facts.etag,
  };
}
