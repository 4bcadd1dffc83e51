/**
 * FNV-1a, 32 bits, over a string's UTF-16 code units: a fast, stable, non-cryptographic hash for spreading keys
 * (sample slots, queue partitions), the same in every isolate and in Node.
 * @module
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
