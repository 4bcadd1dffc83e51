/**
 * Reads the insights rollups for one summary: the counts and the sketches of a tenant's buckets in a range,
 * grouped by period, in one D1 batch (one round trip).
 * @module
 */
import type { CountRow, SketchRow } from "../../core/insights/insight-summary.js";
import type { SummaryRange } from "../../core/insights/summary-range.js";

export async function readRollups(
  db: D1Database,
  tenant: string,
  range: SummaryRange,
): Promise<{ counts: CountRow[]; sketches: SketchRow[] }> {
  const bounds = [tenant, range.grain, range.firstBucket, range.lastBucket, range.periodLength] as const;
  const [counts, sketches] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT substr(bucket, 1, ?5) AS period, dimension, value, sum(count) AS count FROM insight_counts
         WHERE tenant = ?1 AND grain = ?2 AND bucket BETWEEN ?3 AND ?4
         GROUP BY period, dimension, value`,
      )
      .bind(...bounds),
    db
      .prepare(
        `SELECT substr(bucket, 1, ?5) AS period, kind, registers FROM insight_sketches
         WHERE tenant = ?1 AND grain = ?2 AND bucket BETWEEN ?3 AND ?4`,
      )
      .bind(...bounds),
  ]);
  return {
    counts: (counts?.results ?? []) as unknown as CountRow[],
    sketches: (sketches?.results ?? []) as unknown as SketchRow[],
  };
}
