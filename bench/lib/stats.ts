/**
 * Medians and percentiles: every figure the benchmark reports is the median of several runs.
 * @module
 */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of the values (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of each key over a list of runs that all report the same keys. */
export function medianByKey<K extends string>(runs: readonly Record<K, number>[]): Record<K, number> {
  const first = runs[0];
  if (!first) throw new Error("no runs to take the median of");
  const keys = Object.keys(first) as K[];
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => run[key]))])) as Record<K, number>;
}
