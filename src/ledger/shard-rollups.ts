/**
 * A shard's insights rollups: one row per (time axis, grain, bucket) holding the bucket's counts by dimension and
 * value (JSON [dimension, value, count] triples: values are any text, `__proto__` too, so never object keys) and its HyperLogLog sketches of users and devices. A commit adds its file's increments to the
 * rows of the buckets its events fall in (usually one minute and one day: two rows written per file, where D1
 * took a row per dimension value and per sketch; a file with late events adds a received_late row and at most
 * three event_late rows, see src/core/insights/insight-rollup.ts), in the commit's transaction, so every event
 * counts exactly once on each time axis. The summaries read each shard's rows of a range for one axis, added up
 * per period.
 * @module
 */
import type { RollupRequest, RollupRows } from "../core/exports/ledger-protocol.js";
import type { CountRow, SketchRow } from "../core/insights/insight-summary.js";
import { STORED_AXES_OF, type RollupIncrements, type StoredRollupAxis } from "../core/insights/insight-rollup.js";
import { decodeSketch, emptySketch, encodeSketch, mergeSketchInto, type Sketch } from "../core/insights/hyperloglog.js";
import type { DistinctKind } from "../core/insights/insight-dimensions.js";
import type { MeteredSql } from "./sql-usage.js";

/** Counts by `${dimension}\u0000${value}`: a Map, so no value can collide with an object's own members. */
type Counts = Map<string, { dimension: string; value: string; count: number }>;
type Sketches = Partial<Record<DistinctKind, string>>;

interface BucketIncrement {
  grain: string;
  bucket: string;
  counts: Counts;
  sketches: Partial<Record<DistinctKind, Sketch>>;
}

/** Adds a file's increments of one stored axis to the shard's rows (none when they are empty). */
export function addRollups(sql: MeteredSql, increments: RollupIncrements, axis: StoredRollupAxis): void {
  for (const increment of byBucket(increments)) {
    const [stored] = sql.all<{ counts: string; sketches: string }>(
      "SELECT counts, sketches FROM rollups WHERE axis = ?1 AND grain = ?2 AND bucket = ?3",
      axis,
      increment.grain,
      increment.bucket,
    );
    const counts = stored ? parseCounts(stored.counts) : new Map();
    addCounts(counts, increment.counts);
    const sketches: Sketches = stored ? (JSON.parse(stored.sketches) as Sketches) : {};
    for (const [kind, sketch] of Object.entries(increment.sketches) as Array<[DistinctKind, Sketch]>) {
      const merged = sketches[kind] ? decodeSketch(sketches[kind]) : emptySketch();
      mergeSketchInto(merged, sketch);
      sketches[kind] = encodeSketch(merged);
    }
    sql.run(
      `INSERT INTO rollups (axis, grain, bucket, counts, sketches) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (axis, grain, bucket) DO UPDATE SET counts = excluded.counts, sketches = excluded.sketches`,
      axis,
      increment.grain,
      increment.bucket,
      JSON.stringify([...counts.values()].map((entry) => [entry.dimension, entry.value, entry.count])),
      JSON.stringify(sketches),
    );
  }
}

/**
 * The shard's rows of a range that add up to the request's axis (on-time and late rows), counts added up and
 * sketches merged per period.
 */
export function readRollups(sql: MeteredSql, request: RollupRequest): RollupRows {
  const [onTime, late] = STORED_AXES_OF[request.axis ?? "received"];
  const rows = sql.all<{ bucket: string; counts: string; sketches: string }>(
    `SELECT bucket, counts, sketches FROM rollups
     WHERE axis IN (?1, ?2) AND grain = ?3 AND bucket BETWEEN ?4 AND ?5`,
    onTime,
    late,
    request.grain,
    request.firstBucket,
    request.lastBucket,
  );
  const periods = new Map<string, { counts: Counts; sketches: Partial<Record<DistinctKind, Sketch>> }>();
  for (const row of rows) {
    const period = row.bucket.slice(0, request.periodLength);
    let tally = periods.get(period);
    if (!tally) {
      tally = { counts: new Map(), sketches: {} };
      periods.set(period, tally);
    }
    addCounts(tally.counts, parseCounts(row.counts));
    for (const [kind, registers] of Object.entries(JSON.parse(row.sketches) as Sketches) as Array<
      [DistinctKind, string]
    >) {
      mergeSketchInto(sketchOf(tally.sketches, kind), decodeSketch(registers));
    }
  }
  const counts: CountRow[] = [];
  const sketches: SketchRow[] = [];
  for (const [period, tally] of periods) {
    for (const { dimension, value, count } of tally.counts.values()) counts.push({ period, dimension, value, count });
    for (const [kind, sketch] of Object.entries(tally.sketches) as Array<[DistinctKind, Sketch]>) {
      sketches.push({ period, kind, registers: encodeSketch(sketch) });
    }
  }
  return { counts, sketches };
}

function byBucket(increments: RollupIncrements): BucketIncrement[] {
  const buckets = new Map<string, BucketIncrement>();
  const bucketOf = (grain: string, bucket: string): BucketIncrement => {
    const name = `${grain} ${bucket}`;
    let entry = buckets.get(name);
    if (!entry) {
      entry = { grain, bucket, counts: new Map(), sketches: {} };
      buckets.set(name, entry);
    }
    return entry;
  };
  for (const row of increments.counts) {
    addCount(bucketOf(row.grain, row.bucket).counts, row.dimension, row.value, row.count);
  }
  for (const row of increments.sketches) {
    mergeSketchInto(sketchOf(bucketOf(row.grain, row.bucket).sketches, row.kind), decodeSketch(row.registers));
  }
  return [...buckets.values()];
}

function addCount(into: Counts, dimension: string, value: string, count: number): void {
  const name = `${dimension}\u0000${value}`;
  const entry = into.get(name);
  if (entry) entry.count += count;
  else into.set(name, { dimension, value, count });
}

function addCounts(into: Counts, add: Counts): void {
  for (const { dimension, value, count } of add.values()) addCount(into, dimension, value, count);
}

function parseCounts(text: string): Counts {
  const counts: Counts = new Map();
  for (const [dimension, value, count] of JSON.parse(text) as Array<[string, string, number]>) {
    addCount(counts, dimension, value, count);
  }
  return counts;
}

function sketchOf(sketches: Partial<Record<DistinctKind, Sketch>>, kind: DistinctKind): Sketch {
  const sketch = sketches[kind] ?? emptySketch();
  sketches[kind] = sketch;
  return sketch;
}
