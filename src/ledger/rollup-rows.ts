/**
 * One rollup row of a ledger shard in memory (a tally: counts by dimension and value, HyperLogLog sketches by
 * kind) and as stored (counts as JSON [dimension, value, count] triples: values are any text, `__proto__` too, so
 * never object keys; sketches as JSON {kind: encodeSketch text}), and the adding up of rows and increments. The
 * `rollups` table and the day tables of minutes (shard-rollups.ts, shard-minute-tables.ts) store the same rows.
 * @module
 */
import type { RollupIncrements } from "../core/insights/insight-rollup.js";
import { decodeSketch, encodeSketch, mergeSketchInto, type Sketch } from "../core/insights/hyperloglog.js";
import type { DistinctKind } from "../core/insights/insight-dimensions.js";

/** Counts by `${dimension}\u0000${value}`: a Map, so no value can collide with an object's own members. */
type Counts = Map<string, { dimension: string; value: string; count: number }>;

export interface RollupTally {
  counts: Counts;
  sketches: Partial<Record<DistinctKind, Sketch>>;
}

/** A row as the tables store it. */
export interface StoredRollup {
  counts: string;
  sketches: string;
}

/** A file's increments of one axis, per (grain, bucket). */
export interface BucketTally {
  grain: string;
  bucket: string;
  tally: RollupTally;
}

export function emptyTally(): RollupTally {
  return { counts: new Map(), sketches: {} };
}

export function addCount(into: RollupTally, dimension: string, value: string, count: number): void {
  const name = `${dimension}\u0000${value}`;
  const entry = into.counts.get(name);
  if (entry) entry.count += count;
  else into.counts.set(name, { dimension, value, count });
}

/** Adds `add` into `into`: counts summed, sketches merged (a union, exact register by register). */
export function addTally(into: RollupTally, add: RollupTally): void {
  for (const { dimension, value, count } of add.counts.values()) addCount(into, dimension, value, count);
  for (const [kind, sketch] of sketchesOf(add)) addSketch(into, kind, sketch, false);
}

/** Adds a stored row into `into`. */
export function addStored(into: RollupTally, row: StoredRollup): void {
  for (const [dimension, value, count] of JSON.parse(row.counts) as Array<[string, string, number]>) {
    addCount(into, dimension, value, count);
  }
  for (const [kind, registers] of Object.entries(JSON.parse(row.sketches) as Record<string, string>)) {
    addSketch(into, kind as DistinctKind, decodeSketch(registers), true);
  }
}

/** `tally` as stored; counts that add up to 0 are left out. */
export function storedOf(tally: RollupTally): StoredRollup {
  return {
    counts: JSON.stringify(
      [...tally.counts.values()]
        .filter((entry) => entry.count !== 0)
        .map((entry) => [entry.dimension, entry.value, entry.count]),
    ),
    sketches: JSON.stringify(
      Object.fromEntries(sketchesOf(tally).map(([kind, sketch]) => [kind, encodeSketch(sketch)])),
    ),
  };
}

/** `stored` (absent: none yet) with `tally` added. */
export function mergedRow(stored: StoredRollup | undefined, tally: RollupTally): StoredRollup {
  const merged = emptyTally();
  if (stored) addStored(merged, stored);
  addTally(merged, tally);
  return storedOf(merged);
}

/**
 * What `whole` holds beyond `parts`: counts `whole` − `parts` (those that differ), and the sketches of `whole` of the
 * kinds `parts` does not already hold register for register. Empty when `parts` adds up to `whole`.
 */
export function remainderOf(whole: RollupTally, parts: RollupTally): RollupTally {
  const remainder = emptyTally();
  for (const [name, { dimension, value, count }] of whole.counts) {
    const difference = count - (parts.counts.get(name)?.count ?? 0);
    if (difference !== 0) remainder.counts.set(name, { dimension, value, count: difference });
  }
  for (const [name, { dimension, value, count }] of parts.counts) {
    if (!whole.counts.has(name) && count !== 0) remainder.counts.set(name, { dimension, value, count: -count });
  }
  for (const [kind, sketch] of sketchesOf(whole)) {
    const covered = parts.sketches[kind];
    if (!covered || !sameRegisters(covered, sketch)) remainder.sketches[kind] = sketch.slice();
  }
  return remainder;
}

function sameRegisters(a: Sketch, b: Sketch): boolean {
  for (let register = 0; register < a.length; register++) if (a[register] !== b[register]) return false;
  return a.length === b.length;
}

export function isEmptyTally(tally: RollupTally): boolean {
  return tally.counts.size === 0 && sketchesOf(tally).length === 0;
}

/** A file's increments of one axis, one tally per (grain, bucket). */
export function byBucket(increments: RollupIncrements): BucketTally[] {
  const buckets = new Map<string, BucketTally>();
  const tallyOf = (grain: string, bucket: string): RollupTally => {
    const name = `${grain} ${bucket}`;
    let entry = buckets.get(name);
    if (!entry) {
      entry = { grain, bucket, tally: emptyTally() };
      buckets.set(name, entry);
    }
    return entry.tally;
  };
  for (const row of increments.counts) addCount(tallyOf(row.grain, row.bucket), row.dimension, row.value, row.count);
  for (const row of increments.sketches) {
    addSketch(tallyOf(row.grain, row.bucket), row.kind, decodeSketch(row.registers), true);
  }
  return [...buckets.values()];
}

export function sketchesOf(tally: RollupTally): Array<[DistinctKind, Sketch]> {
  return Object.entries(tally.sketches) as Array<[DistinctKind, Sketch]>;
}

/**
 * Merges `sketch` into the tally's sketch of `kind`; a tally without one takes `sketch` itself when `owned` (a
 * freshly decoded sketch nothing else holds), else a copy: no empty sketch allocated and merged into.
 */
function addSketch(tally: RollupTally, kind: DistinctKind, sketch: Sketch, owned: boolean): void {
  const into = tally.sketches[kind];
  if (into) mergeSketchInto(into, sketch);
  else tally.sketches[kind] = owned ? sketch : sketch.slice();
}
