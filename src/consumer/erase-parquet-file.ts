/**
 * The Parquet step of an erasure: a closed day's Parquet file (src/compaction/) of a day whose export files held
 * the user. It runs after every export file of the tenant (`{tenant}/parquet/` sorts after the digits of the JSON
 * Lines folders), the same steps in the same order as an export file (erase-export-file.ts), so a second run
 * finishes the same work and counts it once:
 *  1. READ the file's userid column (by range: the footer and that column's chunks) and count the user's rows
 *     (none: it is kept, or this erasure already rewrote it).
 *  2. WRITE: some rows left, the file again at the same key without the user's rows, verified by reading it back
 *     (src/compaction/rewrite-parquet-file.ts), the erasure's id and the rows removed in its metadata; no row
 *     left, skip to 3.
 *  3. RECORD (record-erased-file.ts): its D1 manifest row takes the new etag, size, rows by type, first and last
 *     receivedat (or is marked erased: no longer listed), the erasure's Parquet counters, and its deliveries go
 *     back to pending, so each destination gets the new file (or deletes it).
 *  4. An emptied file's object is deleted last.
 * A rewrite is a file's worth of CPU (up to 200,000 rows: BENCHMARKS.md), so a slice rewrites at most one
 * (erase-user.ts).
 * @module
 */
import {
  parquetFacts,
  parquetRowsOfUser,
  rewriteParquetWithoutUser,
  type StoredParquet,
} from "../compaction/rewrite-parquet-file.js";
import type { ReadBackFacts } from "../core/parquet/parquet-readback.js";
import {
  alreadyCounted,
  ERASED_BY,
  ERASED_LINES,
  type ErasedFile,
  type ErasureContext,
  type FileOutcome,
  recordErasedFile,
} from "./record-erased-file.js";

export async function eraseFromParquetFile(
  context: ErasureContext,
  file: StoredParquet & { etag: string; customMetadata?: Record<string, string> },
): Promise<FileOutcome> {
  const { bucket, userid } = context;
  const found = await parquetRowsOfUser(bucket, file, userid);
  if (found.ofUser > 0 && found.ofUser === found.rows) {
    await recordErasedFile(context, file.key, { format: "parquet", kind: "deleted", removed: found.ofUser });
    await bucket.delete(file.key);
    return "deleted";
  }
  if (found.ofUser > 0) {
    const metadata = { ...file.customMetadata, [ERASED_BY]: context.id, [ERASED_LINES]: String(found.ofUser) };
    const { object, facts } = await rewriteParquetWithoutUser(
      { bucket, db: context.db, tenant: context.tenant },
      file,
      userid,
      metadata,
    );
    await recordErasedFile(context, file.key, rewritten(object, facts, found.ofUser));
    return "rewritten";
  }
  if (file.customMetadata?.[ERASED_BY] !== context.id) return "kept";
  if (await alreadyCounted(context, file.key)) return "done";
  // A run died after WRITE: finish the file with what its metadata says was removed.
  const facts = await parquetFacts(bucket, file);
  const removed = Number(file.customMetadata[ERASED_LINES] ?? 0);
  await recordErasedFile(context, file.key, rewritten(file, facts, removed));
  return "rewritten";
}

function rewritten(object: { etag: string; size: number }, facts: ReadBackFacts, removed: number): ErasedFile {
  return {
    format: "parquet",
    kind: "rewritten",
    removed,
    etag: object.etag,
    bytes: object.size,
    events: facts.rows,
    typeCounts: facts.types,
    firstReceivedAt: facts.first,
    lastReceivedAt: facts.last,
  };
}
