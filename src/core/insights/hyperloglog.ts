/**
 * HyperLogLog sketches for approximate distinct counts (users and devices per rollup bucket).
 *
 * 2^11 = 2048 registers: standard error 1.04 / sqrt(2048) ≈ 2.3%. A sketch is stored as text, in whichever of two
 * forms is shorter (encodeSketch chooses; decodeSketch reads both):
 * - dense: one character per register, code 0x30 + rank ('0' = empty, '1'..'Q'): 2,048 characters whatever the
 *   sketch counts. Every row written before the sparse form is dense, and keeps reading.
 * - sparse: '~' (no dense text starts with it), then 3 characters per non-empty register, registers ascending:
 *   the register as two base64url digits, high 6 bits first, then its rank as one. Shorter while at most 682
 *   registers are set (1 + 3 × 682 = 2,047 characters), i.e. up to about 800 ids.
 * Why sparse: each ledger shard keeps a users and a devices sketch in every rollup row (src/ledger/shard-rollups.ts,
 * a row per minute kept a day or two and per day kept 400 days), and most buckets count a handful of ids: dense,
 * a small tenant's minute row weighed ~4.5 KB, nearly all of it empty registers; sparse, ~0.4 KB.
 * Why dense text was once required: its character order is rank order, so the D1 rollups of before the ledger
 * shards merged sketches in place in SQL, a per-character max (src/consumer/insight-rollups.ts, removed with
 * them). Nothing merges, compares or measures sketch text in SQL any more: the shards and the summaries decode,
 * merge in JS and encode; the old D1 `insight_sketches` rows are only read (and pruned).
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

const SPARSE_PREFIX = "~";
/** base64url: printable, and nothing JSON escapes, as the shards keep sketches inside a JSON object. */
const SPARSE_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SPARSE_DIGIT_VALUES = new Map([...SPARSE_DIGITS].map((digit, value) => [digit, value]));
/** Two digits of register (11 bits), one of rank (1..33). */
const SPARSE_ENTRY_LENGTH = 3;
/** The most entries whose sparse form is shorter than the dense one: 682 (2,047 characters). */
const MAX_SPARSE_ENTRIES = Math.floor((SKETCH_REGISTERS - 1 - SPARSE_PREFIX.length) / SPARSE_ENTRY_LENGTH);

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

/** The stored form of a sketch: sparse while that is shorter than dense (see the module header). */
export function encodeSketch(sketch: Sketch): string {
  let setRegisters = 0;
  for (let register = 0; register < SKETCH_REGISTERS; register++) if (sketch[register] !== 0) setRegisters++;
  return setRegisters <= MAX_SPARSE_ENTRIES ? encodeSparse(sketch) : encodeDense(sketch);
}

/** Reads a stored sketch; throws on text no encodeSketch could have written (a corrupt row must not count). */
export function decodeSketch(text: string): Sketch {
  return text.startsWith(SPARSE_PREFIX) ? decodeSparse(text) : decodeDense(text);
}

function encodeDense(sketch: Sketch): string {
  let text = "";
  for (let register = 0; register < SKETCH_REGISTERS; register++) {
    text += String.fromCharCode(RANK_ZERO_CODE + sketch[register]!);
  }
  return text;
}

function decodeDense(text: string): Sketch {
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

function encodeSparse(sketch: Sketch): string {
  let text = SPARSE_PREFIX;
  for (let register = 0; register < SKETCH_REGISTERS; register++) {
    const rank = sketch[register]!;
    if (rank > 0) text += SPARSE_DIGITS[register >> 6]! + SPARSE_DIGITS[register & 63]! + SPARSE_DIGITS[rank]!;
  }
  return text;
}

function decodeSparse(text: string): Sketch {
  const entries = (text.length - SPARSE_PREFIX.length) / SPARSE_ENTRY_LENGTH;
  if (!Number.isInteger(entries) || entries > MAX_SPARSE_ENTRIES)
    throw new Error(
      `a sparse sketch has up to ${MAX_SPARSE_ENTRIES} entries of 3 characters, not ${text.length - 1} characters`,
    );
  const sketch = emptySketch();
  let previous = -1;
  for (let at = SPARSE_PREFIX.length; at < text.length; at += SPARSE_ENTRY_LENGTH) {
    const register = sparseDigit(text, at) * 64 + sparseDigit(text, at + 1);
    const rank = sparseDigit(text, at + 2);
    if (register >= SKETCH_REGISTERS) throw new Error(`a sparse sketch names register ${register}, past the last`);
    if (register <= previous) throw new Error(`a sparse sketch's registers are not ascending at register ${register}`);
    if (rank < 1 || rank > MAX_RANK) throw new Error(`register ${register} of a sketch holds an impossible rank`);
    sketch[register] = rank;
    previous = register;
  }
  return sketch;
}

function sparseDigit(text: string, at: number): number {
  const value = SPARSE_DIGIT_VALUES.get(text[at]!);
  if (value === undefined) throw new Error(`a sparse sketch holds a character that is no digit at ${at}`);
  return value;
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
