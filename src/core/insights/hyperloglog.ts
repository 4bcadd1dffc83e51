/**
 * HyperLogLog sketches for approximate distinct counts (users and devices per rollup bucket).
 *
 * 2^11 = 2048 registers: standard error 1.04 / sqrt(2048) ≈ 2.3%. A sketch is stored as text, one character per
 * register, character code 0x30 + rank ('0' = empty). Character order is rank order, so the merge of two
 * sketches (the max of each register) is a per-character max that SQL can do in place (src/consumer/
 * insight-rollups.ts of before the ledger shards; the shards merge in JS: src/ledger/shard-rollups.ts), and a sketch
 * costs 2 KB whatever it counts.
 *
 * Hash: 64 bits from two 32-bit multiply-xorshift lanes (cyrb53's mixing). The first lane's top 11 bits pick the
 * register; the rank is the position of the first 1 bit of the second lane (1..33), enough for cardinalities far
 * beyond any tenant's users per day.
 * @module
 */

export const SKETCH_PRECISION = 11;
export const SKETCH_REGISTERS = 1 << SKETCH_PRECISION;
/** The relative standard error of an estimate: 1.04 / sqrt(m). */
export const SKETCH_STANDARD_ERROR = 1.04 / Math.sqrt(SKETCH_REGISTERS);

const RANK_ZERO_CODE = 0x30;
const MAX_RANK = 33;

export type Sketch = Uint8Array;

export function emptySketch(): Sketch {
  return new Uint8Array(SKETCH_REGISTERS);
}

export function addToSketch(sketch: Sketch, id: string): void {
  const [high, low] = hash64(id);
  const register = high >>> (32 - SKETCH_PRECISION);
  const rank = low === 0 ? MAX_RANK : Math.clz32(low) + 1;
  if (rank > sketch[register]!) sketch[register] = rank;
}

/** Merges `other` into `into`: afterwards `into` counts the union of both. */
export function mergeSketchInto(into: Sketch, other: Sketch): void {
  for (let register = 0; register < SKETCH_REGISTERS; register++) {
    if (other[register]! > into[register]!) into[register] = other[register]!;
  }
}

export function estimateDistinct(sketch: Sketch): number {
  const m = SKETCH_REGISTERS;
  let harmonicSum = 0;
  let emptyRegisters = 0;
  for (const rank of sketch) {
    harmonicSum += 2 ** -rank;
    if (rank === 0) emptyRegisters++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / harmonicSum;
  // Small cardinalities: linear counting over the empty registers is the better estimate (Flajolet et al.).
  if (raw <= 2.5 * m && emptyRegisters > 0) return Math.round(m * Math.log(m / emptyRegisters));
  return Math.round(raw);
}

export function encodeSketch(sketch: Sketch): string {
  let text = "";
  for (const rank of sketch) text += String.fromCharCode(RANK_ZERO_CODE + rank);
  return text;
}

/** Reads a stored sketch; throws on text no encodeSketch could have written (a corrupt row must not count). */
export function decodeSketch(text: string): Sketch {
  if (text.length !== SKETCH_REGISTERS)
    throw new Error(`a sketch has ${SKETCH_REGISTERS} registers, not ${text.length}`);
  const sketch = emptySketch();
  for (let register = 0; register < SKETCH_REGISTERS; register++) {
    const rank = text.charCodeAt(register) - RANK_ZERO_CODE;
    if (rank < 0 || rank > MAX_RANK) throw new Error(`register ${register} of a sketch holds an impossible rank`);
    sketch[register] = rank;
  }
  return sketch;
}

function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}
