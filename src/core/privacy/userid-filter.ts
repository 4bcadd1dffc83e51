/**
 * The per-file filter of userids an erasure reads to pick the export files that may hold a user without reading
 * them: a Bloom filter of every `userid` in the file, recorded in the R2 object's custom metadata at export time
 * (no extra write) and read back by one `list` with `include: ["customMetadata"]`.
 *
 * Sized for R2's limit of 8,192 bytes of object metadata: 8,192 bits (1,024 bytes, 1,368 characters of base64)
 * with 7 probes. A file holds the events of at most one consumer batch (100 queue messages, one request and so
 * one user each), so at most ~100 distinct userids: a false positive rate below 1 in 10^7; 500 users would still
 * be below 1 in 1,000. A false positive only costs reading one file that does not hold the user.
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "../foundation/base64.js";

/** The custom metadata key of the filter. Files exported before it existed have none: they are read. */
export const USERID_FILTER_METADATA_KEY = "userid_filter";

const FILTER_BITS = 8192;
const encoder = new TextEncoder();
const PROBES = 7;
/** The value's prefix names the layout, so a later size or hash can be told apart from this one. */
const FORMAT = "bloom1:";

export function buildUseridFilter(userids: Iterable<string>): string {
  const bits = new Uint8Array(FILTER_BITS / 8);
  for (const userid of new Set(userids)) {
    for (const bit of probeBits(userid)) bits[bit >>> 3]! |= 1 << (bit & 7);
  }
  return FORMAT + bytesToBase64(bits);
}

/**
 * Whether a file whose metadata holds `filter` may hold `userid`: true also when the filter is missing or not
 * one this code reads (the file must then be read to know).
 */
export function filterMayHold(filter: string | undefined, userid: string): boolean {
  return filterTester(filter)(userid);
}

/** The filter decoded once, as a test of many userids. */
export function filterTester(filter: string | undefined): (userid: string) => boolean {
  const bits = decodeFilter(filter);
  if (!bits) return () => true;
  return (userid) => probeBits(userid).every((bit) => (bits[bit >>> 3]! & (1 << (bit & 7))) !== 0);
}

function decodeFilter(filter: string | undefined): Uint8Array | undefined {
  if (!filter?.startsWith(FORMAT)) return undefined;
  try {
    const bits = base64ToBytes(filter.slice(FORMAT.length));
    return bits.length === FILTER_BITS / 8 ? bits : undefined;
  } catch {
    return undefined;
  }
}

/** Kirsch-Mitzenmacher double hashing over two 32-bit FNV-1a hashes of the id's UTF-8 bytes. */
function probeBits(userid: string): number[] {
  const bytes = encoder.encode(userid);
  const first = fnv1a(bytes, 0x811c9dc5);
  const second = fnv1a(bytes, 0x050c5d1f) | 1;
  const probes: number[] = [];
  for (let index = 0; index < PROBES; index++) probes.push(((first + Math.imul(index, second)) >>> 0) % FILTER_BITS);
  return probes;
}

function fnv1a(bytes: Uint8Array, offsetBasis: number): number {
  let hash = offsetBasis;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
