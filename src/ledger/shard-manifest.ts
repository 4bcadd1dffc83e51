/**
 * A shard's manifest: its committed files' facts (the files rows the commit wrote), read by the pull API. Kept
 * MANIFEST_RETENTION_DAYS (the files day tables are then dropped by the shard's sweep, shard-sweep.ts; where the
 * rows live and which tables a key can be in: shard-files.ts). Keys start with
 * `{tenant}/{yyyy}/{yyyy-mm}/{yyyy-mm-dd}/`, so key order is day order and a day range is a key range.
 * @module
 */
import type { ExportFileEntry } from "../core/exports/export-listing.js";
import type { CommittedFacts, DayFiles, ErasedFileRequest, FileListRequest } from "../core/exports/ledger-protocol.js";
import { committedInRange, findFileRow, readFileTables, updateFile } from "./shard-files.js";
import type { MeteredSql } from "./sql-usage.js";

interface FileRow {
  key: string;
  facts: string;
}

/** A committed file a privacy erasure emptied is no longer a file of the manifest. */
const NOT_ERASED = "json_extract(facts, '$.erasedAt') IS NULL";

/** Applies an erasure's change to a committed file's facts; returns whether the shard holds the file. */
export function changeErasedFile(sql: MeteredSql, request: ErasedFileRequest): boolean {
  const file = findFileRow(sql, readFileTables(sql), request.key);
  if (file?.state !== "committed") return false;
  const facts = { ...(JSON.parse(file.facts!) as CommittedFacts), ...request.change };
  updateFile(sql, file, "committed", JSON.stringify(facts));
  return true;
}

export function listFiles(sql: MeteredSql, request: FileListRequest): ExportFileEntry[] {
  return committedInRange(sql, readFileTables(sql), request, NOT_ERASED, request.limit).map(toEntry);
}

export function findFile(sql: MeteredSql, key: string): ExportFileEntry | null {
  const file = findFileRow(sql, readFileTables(sql), key);
  if (file?.state !== "committed" || ((JSON.parse(file.facts!) as CommittedFacts).erasedAt ?? null) !== null) {
    return null;
  }
  return toEntry({ key: file.key, facts: file.facts! });
}

/** Every committed file whose key starts with `dayPrefix`, their events by type and how many happened earlier. */
export function dayFiles(sql: MeteredSql, dayPrefix: string): DayFiles {
  const range = { fromKey: dayPrefix, belowKey: `${dayPrefix}\u{10FFFF}`, afterKey: "" };
  const rows = committedInRange(sql, readFileTables(sql), range, NOT_ERASED, -1);
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
