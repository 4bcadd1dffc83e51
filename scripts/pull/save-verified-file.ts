/**
 * Saves one download under its final name only once it is whole: the bytes go to a temporary name beside it,
 * must be the listed size and must read to the end as their format (a JSON Lines file gunzips, counting its
 * lines; a Parquet file's footer gives its rows; an aggregates file parses, giving its events), and only then
 * are renamed. An interrupted or corrupt download never leaves a file that a later pull would take for a good one.
 * @module
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { parquetMetadata } from "hyparquet";
import type { ExportFormat } from "../../src/core/exports/export-key.js";
import { summarySchema } from "../../src/core/insights/insight-summary-schema.js";
import { TransientError } from "./retry.js";

export interface SavedFile {
  bytes: number;
  /** The events the file holds: JSON lines, Parquet rows, or the aggregates' total. */
  events: number;
}

export async function saveVerifiedFile(
  body: ReadableStream<Uint8Array>,
  finalPath: string,
  expectedSize: number,
  format: ExportFormat,
): Promise<SavedFile> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const partPath = `${finalPath}.${process.pid}.part`;
  try {
    const bytes = await writeCounting(body, partPath);
    if (bytes !== expectedSize) throw new TransientError(`got ${bytes} bytes of ${expectedSize}`);
    const events = await EVENT_COUNTERS[format](partPath);
    await rename(partPath, finalPath);
    return { bytes, events };
  } finally {
    await rm(partPath, { force: true });
  }
}

async function writeCounting(body: ReadableStream<Uint8Array>, filePath: string): Promise<number> {
  let bytes = 0;
  const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("data", (chunk: Buffer) => (bytes += chunk.byteLength));
  await pipeline(source, createWriteStream(filePath));
  return bytes;
}

const EVENT_COUNTERS: Record<ExportFormat, (filePath: string) => Promise<number>> = {
  jsonl: countGzipLines,
  parquet: countParquetRows,
  aggregates: countAggregatedEvents,
};

/** The footer's row count; a file that is not whole Parquet (no footer, bad magic) throws (transient). */
async function countParquetRows(filePath: string): Promise<number> {
  const bytes = await readFile(filePath);
  try {
    return Number(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).num_rows);
  } catch (error) {
    throw new TransientError(
      `the file is not whole Parquet: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function countAggregatedEvents(filePath: string): Promise<number> {
  const parsed = summarySchema.safeParse(JSON.parse(await readFile(filePath, "utf8")));
  if (!parsed.success) throw new TransientError("the file is not an aggregates summary");
  return parsed.data.totals.events;
}

/** Decodes the whole file; a truncated or corrupt gzip throws (transient: the next try downloads it again). */
async function countGzipLines(filePath: string): Promise<number> {
  let newlines = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) newlines++;
      done();
    },
  });
  try {
    await pipeline(createReadStream(filePath), createGunzip(), counter);
  } catch (error) {
    throw new TransientError(`the file does not gunzip: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return newlines;
}
