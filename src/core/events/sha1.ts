/**
 * SHA-1 (FIPS 180-4) in plain synchronous JavaScript, for the UUIDv5 event ids only: an event id is one hash
 * of ~150 bytes, where crypto.subtle.digest costs a promise (and in Node a thread-pool hop) per event.
 * Not for anything secret: SHA-1 is what RFC 9562 prescribes for version 5 UUIDs, nothing more.
 * @module
 */

const BLOCK_BYTES = 64;

/** The 20-byte SHA-1 digest of `message`. */
export function sha1(message: Uint8Array): Uint8Array {
  const bitLength = message.length * 8;
  // Message, the 0x80 byte, zero padding, then the 64-bit big-endian bit length, to a multiple of 64 bytes.
  const paddedLength = Math.ceil((message.length + 9) / BLOCK_BYTES) * BLOCK_BYTES;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(paddedLength - 4, bitLength >>> 0);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let offset = 0; offset < paddedLength; offset += BLOCK_BYTES) {
    for (let index = 0; index < 16; index++) w[index] = view.getInt32(offset + index * 4);
    for (let index = 16; index < 80; index++) {
      const x = w[index - 3]! ^ w[index - 8]! ^ w[index - 14]! ^ w[index - 16]!;
      w[index] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let index = 0; index < 80; index++) {
      let f: number;
      let k: number;
      if (index < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (index < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (index < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[index]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  for (const [index, word] of [h0, h1, h2, h3, h4].entries()) out.setInt32(index * 4, word);
  return digest;
}
