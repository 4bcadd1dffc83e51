/**
 * Aggregates the events of one export file into rollup increments, in memory, so D1 gets one upsert per
 * (grain, bucket, dimension, value) and one sketch per (grain, bucket, kind), however many events there are.
 * Buckets are UTC, taken from receivedat (the collector's clock, not the device's localtime).
 * @module
 */
import { addToSketch, emptySketch, encodeSketch, type Sketch } from "./hyperloglog.js";
import { insightFactsOf, type CountDimension, type DistinctKind } from "./insight-dimensions.js";

export const ROLLUP_GRAINS = ["minute", "day"] as const;
export type RollupGrain = (typeof ROLLUP_GRAINS)[number];

/** How long each grain's rows are kept; the cron prunes older ones. */
export const ROLLUP_RETENTION_MS: Record<RollupGrain, number> = {
  minute: 24 * 60 * 60 * 1000,
  day: 400 * 24 * 60 * 60 * 1000,
};

export interface CountIncrement {
  grain: RollupGrain;
  bucket: string;
  dimension: CountDimension;
  value: string;
  count: number;
}

export interface SketchUpdate {
  grain: RollupGrain;
  bucket: string;
  kind: DistinctKind;
  /** encodeSketch text */
  registers: string;
}

export interface RollupIncrements {
  counts: CountIncrement[];
  sketches: SketchUpdate[];
}

/** 'yyyy-mm-ddTHH:MM' for a minute, 'yyyy-mm-dd' for a day: prefixes of the ISO-8601 UTC receivedat. */
export function bucketOf(grain: RollupGrain, receivedat: string): string {
  return grain === "minute" ? receivedat.slice(0, 16) : receivedat.slice(0, 10);
}

/**
 * The increments for `events`. Minute buckets already past their retention at `now` (a late retry) are left
 * out: the cron would delete them at once.
 */
export function rollUpEvents(events: readonly unknown[], now: Date): RollupIncrements {
  const counts = new Map<string, CountIncrement>();
  const sketches = new Map<string, { update: Omit<SketchUpdate, "registers">; sketch: Sketch }>();
  const oldestMinute = bucketOf("minute", new Date(now.getTime() - ROLLUP_RETENTION_MS.minute).toISOString());
  for (const event of events) {
    const facts = insightFactsOf(event);
    for (const grain of ROLLUP_GRAINS) {
      const bucket = bucketOf(grain, facts.receivedat);
      if (grain === "minute" && bucket < oldestMinute) continue;
      for (const [dimension, value] of facts.values) {
        const key = JSON.stringify([grain, bucket, dimension, value]);
        const increment = counts.get(key);
        if (increment) increment.count++;
        else counts.set(key, { grain, bucket, dimension, value, count: 1 });
      }
      for (const [kind, id] of facts.distinct) {
        const key = JSON.stringify([grain, bucket, kind]);
        let entry = sketches.get(key);
        if (!entry) {
          entry = { update: { grain, bucket, kind }, sketch: emptySketch() };
          sketches.set(key, entry);
        }
        addToSketch(entry.sketch, id);
      }
    }
  }
  return {
    counts: [...counts.values()],
    sketches: [...sketches.values()].map(({ update, sketch }) => ({ ...update, registers: encodeSketch(sketch) })),
  };
}
