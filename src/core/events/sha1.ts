/**
 * SHA-1 (FIPS 180-4) in plain synchronous JavaScript, for the UUIDv5 event ids only: an event id is one hash
 * of ~150 bytes, where crypto.subtle.digest costs a promise (and in Node a thread-pool hop) per event.
 * Not for anything secret: SHA-1 is what RFC 9562 prescribes for version 5 UUIDs, nothing more.
 * It runs for every event, so it allocates nothing but the digest: whole blocks are read from the message in
 * place, the padded tail goes through one scratch buffer, and the message schedule is one reused array.
 * @module
 */

const BLOCK_BYTES = 64;

/** The message schedule of the block being compressed. */
const schedule = new Int32Array(80);
/** The running hash h0..h4. */
const state = new Int32Array(5);
/** The message's last partial block with its padding and length: one or two blocks. */
const tail = new Uint8Array(2 * BLOCK_BYTES);

/** The 20-byte SHA-1 digest of `message`. */
export function sha1(message: Uint8Array): Uint8Array {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  state[4] = 0xc3d2e1f0 | 0;
  const length = message.length;
  const wholeBytes = length - (length % BLOCK_BYTES);
  for (let offset = 0; offset < wholeBytes; offset += BLOCK_BYTES) compress(message, offset);
  // The rest of the message, the 0x80 byte, zeros, then the 64-bit big-endian bit length.
  const rest = length - wholeBytes;
  const tailBytes = rest + 9 <= BLOCK_BYTES ? BLOCK_BYTES : 2 * BLOCK_BYTES;
  tail.fill(0);
  tail.set(message.subarray(wholeBytes), 0);
  tail[rest] = 0x80;
  writeUint32(tail, tailBytes - 8, Math.floor(length / 2 ** 29));
  writeUint32(tail, tailBytes - 4, (length * 8) >>> 0);
  compress(tail, 0);
  if (tailBytes > BLOCK_BYTES) compress(tail, BLOCK_BYTES);
  const digest = new Uint8Array(20);
  for (let word = 0; word < 5; word++) writeUint32(digest, word * 4, state[word]!);
  return digest;
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

/** One block of `bytes` at `offset` into the running hash. */
function compress(bytes: Uint8Array, offset: number): void {
  const w = schedule;
  for (let index = 0; index < 16; index++) {
    const at = offset + index * 4;
    w[index] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
  }
  for (let index = 16; index < 80; index++) {
    const x = w[index - 3]! ^ w[index - 8]! ^ w[index - 14]! ^ w[index - 16]!;
    w[index] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  // The four rounds as four loops: no branch per step on which round it is.
  let index = 0;
  for (; index < 20; index++) {
    const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[index]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  for (; index < 40; index++) {
    const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[index]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  for (; index < 60; index++) {
    const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[index]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  for (; index < 80; index++) {
    const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[index]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}
