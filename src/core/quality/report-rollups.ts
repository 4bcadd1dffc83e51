/**
 * The rollup increments of request reports (src/core/events/request-report.ts): each count of a quality
 * dimension in its minute and its day, the way rollUpEvents buckets the exported events, so the two sides of a
 * rejection rate sit in the same rows. Counts of other dimensions (another consumer's, or a newer edge's) are
 * not rolled up here; minutes already past their retention at `now` are left out.
 * @module
 */
import type { RequestReport } from "../events/request-report.js";
import {
  ROLLUP_RETENTION_MS,
  bucketOf,
  type CountIncrement,
  type RollupIncrements,
} from "../insights/insight-rollup.js";
import { REPORTED_DIMENSIONS } from "./quality-dimensions.js";

export function rollUpReports(reports: readonly RequestReport[], now: Date): CountIncrement[] {
  const counts = new Map<string, CountIncrement>();
  const oldestMinute = bucketOf("minute", new Date(now.getTime() - ROLLUP_RETENTION_MS.minute).toISOString());
  const add = (grain: CountIncrement["grain"], bucket: string, dimension: string, value: string, count: number) => {
    const key = JSON.stringify([grain, bucket, dimension, value]);
    const increment = counts.get(key);
    if (increment) increment.count += count;
    else counts.set(key, { grain, bucket, dimension, value, count });
  };
  for (const report of reports) {
    for (const [minute, dimension, value, count] of report.counts) {
      if (!REPORTED_DIMENSIONS.has(dimension)) continue;
      if (minute >= oldestMinute) add("minute", minute, dimension, value, count);
      add("day", bucketOf("day", minute), dimension, value, count);
    }
  }
  return [...counts.values()];
}

/** `increments` with the reports' counts added. */
export function withReports(
  increments: RollupIncrements,
  reports: readonly RequestReport[],
  now: Date,
): RollupIncrements {
  if (reports.length === 0) return increments;
  return { counts: [...increments.counts, ...rollUpReports(reports, now)], sketches: increments.sketches };
}
