/**
 * A closed day's Parquet file (compact-day.ts) as a privacy erasure sees it (src/consumer/erase-parquet-file.ts):
 * how many of its rows are one user's (its userid column alone, fetched by range), what the manifest records of
 * it, and the file written again at the same key without that user's rows.
 *
 * The rewrite streams like the compaction: the file's other rows are read a row group at a time, rebuilt as their
 * events (core/parquet/event-row.ts: columns and `extra` together are the whole event) and written a row group at
 * a time as a multipart upload to the same key, which replaces the object only when it completes. The new object
 * is then read back: its row count and event ids must be the rows written. If they are not (a defect, never
 * expected), the object is deleted, the day's Parquet is forgotten (its manifest rows and its closed_day_outputs
 * row, so the cron or `npm run compact` writes the day again from its JSON Lines files, which the erasure has
 * already rewritten) and the rewrite throws.
 * @module
 */
import { CONTENT_TYPES, dayOfStoredKey } from "../core/exports/export-key.js";
import { logError } from "../core/foundation/log.js";
import { ParquetEventsWriter } from "../core/parquet/parquet-events-writer.js";
import {
  countRowsOfUser,
  eventsNotOfUser,
  type ReadBackFacts,
  readBackFacts,
} from "../core/parquet/parquet-readback.js";
import { forgetDerivedFiles, forgetOutput } from "./closed-day-ledger.js";
import { r2AsyncBuffer } from "./r2-async-buffer.js";
import { R2MultipartSink } from "./r2-multipart-sink.js";

/** A stored Parquet file: its key and size (from the erasure's list of the tenant's objects). */
export interface StoredParquet {
  key: string;
  size: number;
}

export function parquetRowsOfUser(bucket: R2Bucket, file: StoredParquet, userid: string) {
  return countRowsOfUser(r2AsyncBuffer(bucket, file.key, file.size), userid);
}

export function parquetFacts(bucket: R2Bucket, file: StoredParquet): Promise<ReadBackFacts> {
  return readBackFacts(r2AsyncBuffer(bucket, file.key, file.size));
}

/** The file again at its key without `userid`'s rows (at least one row must be left), with `customMetadata`. */
export async function rewriteParquetWithoutUser(
  env: { bucket: R2Bucket; db: D1Database; tenant: string },
  file: StoredParquet,
  userid: string,
  customMetadata: Record<string, string>,
): Promise<{ object: R2Object; facts: ReadBackFacts }> {
  const { bucket } = env;
  const sink = await R2MultipartSink.open(bucket, file.key, CONTENT_TYPES.parquet, customMetadata);
  let written: Awaited<ReturnType<ParquetEventsWriter["finish"]>>;
  try {
    const writer = new ParquetEventsWriter(sink);
    for await (const event of eventsNotOfUser(r2AsyncBuffer(bucket, file.key, file.size), userid)) {
      await writer.addEvent(event);
    }
    written = await writer.finish();
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error;
  }
  const object = await sink.complete();
  const facts = await parquetFacts(bucket, { key: file.key, size: object.size });
  if (facts.rows === written.rows && facts.tally.equals(written.tally)) return { object, facts };
  const error = new Error(
    `${file.key} reads back as ${facts.rows} rows (${facts.tally.describe()}); ` +
      `${written.rows} were written (${written.tally.describe()})`,
  );
  logError("erasure_error", { tenant: env.tenant, key: file.key, step: "parquet_readback" }, error);
  await bucket.delete(file.key);
  await forgetDerivedFiles(env.db, [file.key]);
  await forgetOutput(env.db, { tenant: env.tenant, day: dayOfStoredKey(file.key), output: "parquet" });
  throw error;
}
