/**
 * Builds one request body from the front of the queue within the collector's limits: at most `maxEvents`
 * events, at most `maxBytes` of JSON (the decoded limit) and, once gzipped, at most `maxWireBytes` (the wire
 * limit). The events are the queued JSON verbatim; `sentat` is the device's clock as the request leaves.
 * @module
 */
import { gzip } from "./gzip.js";
import type { QueueRecord } from "./storage/client-storage.js";

export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
  maxWireBytes: number;
}

export interface EncodedBatch {
  records: QueueRecord[];
  body: Uint8Array | string;
  gzipped: boolean;
  wireBytes: number;
}

/** The collector's own limits (MAX_EVENTS_PER_REQUEST, MAX_DECODED_BYTES, MAX_WIRE_BYTES). */
export const SERVER_LIMITS: BatchLimits = { maxEvents: 2000, maxBytes: 4 * 1024 * 1024, maxWireBytes: 1024 * 1024 };

export function envelope(records: readonly QueueRecord[], sentAt: string | undefined): string {
  const sent = sentAt === undefined ? "" : `"sentat":${JSON.stringify(sentAt)},`;
  return `{"schemaversion":"1.0",${sent}"events":[${records.map((record) => record.json).join(",")}]}`;
}

/** The longest front of `records` whose envelope fits `maxBytes`; never empty (one event goes alone). */
export function frontWithinBytes(records: readonly QueueRecord[], maxBytes: number): QueueRecord[] {
  let bytes = 128; // the envelope and sentat
  let count = 0;
  for (const record of records) {
    bytes += utf8Length(record.json) + 1;
    if (bytes > maxBytes && count > 0) break;
    count++;
  }
  return records.slice(0, count);
}

/**
 * Encodes the front of `records` that fits every limit. When the gzipped body is still over the wire limit,
 * fewer events are tried, in proportion; a single event is returned as it is (the server will say 413).
 */
export async function encodeBatch(
  records: readonly QueueRecord[],
  limits: BatchLimits,
  options: { gzip: boolean; sentAt: () => string | undefined },
): Promise<EncodedBatch> {
  let batch = frontWithinBytes(records.slice(0, limits.maxEvents), limits.maxBytes);
  for (;;) {
    const text = envelope(batch, options.sentAt());
    const body = options.gzip ? await gzip(text) : text;
    const wireBytes = typeof body === "string" ? utf8Length(body) : body.byteLength;
    if (wireBytes <= limits.maxWireBytes || batch.length === 1) {
      return { records: batch, body, gzipped: options.gzip, wireBytes };
    }
    const fitting = Math.floor(batch.length * (limits.maxWireBytes / wireBytes) * 0.9);
    batch = batch.slice(0, Math.max(1, Math.min(fitting, batch.length - 1)));
  }
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
