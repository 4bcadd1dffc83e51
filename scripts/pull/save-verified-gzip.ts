/**
 * Saves one download under its final name only once it is whole: the bytes go to a temporary name beside it,
 * must be the listed size and must gunzip to the end (counting the JSON lines), and only then are renamed.
 * An interrupted or corrupt download never leaves a file that a later pull would take for a good one.
 * @module
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { TransientError } from "./retry.js";

export interface SavedFile {
  bytes: number;
  /** JSON lines in the file once decoded. */
  events: number;
}

export async function saveVerifiedGzip(
  body: ReadableStream<Uint8Array>,
  finalPath: string,
  expectedSize: number,
): Promise<SavedFile> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const partPath = `${finalPath}.${process.pid}.part`;
  try {
    const bytes = await writeCounting(body, partPath);
    if (bytes !== expectedSize) throw new TransientError(`got ${bytes} bytes of ${expectedSize}`);
    const events = await countGzipLines(partPath);
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
