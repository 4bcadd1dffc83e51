/**
 * Reads the insights rollups for one summary: the counts and the sketches of a tenant's buckets in a range on
 * one time axis, grouped by period, from each of the tenant's ledger shards (src/ledger/shard-rollups.ts) and,
 * on the received axis, from the D1 tables of before the shards (kept until their rows age out; they have no
 * event axis, so `time=event` leaves them out), all in parallel. buildSummary adds the counts and merges the
 * sketches of the same period.
 * @module
 */
import type { RollupRows } from "../../core/exports/ledger-protocol.js";
import type { CountRow, SketchRow } from "../../core/insights/insight-summary.js";
import type { SummaryRange } from "../../core/insights/summary-range.js";
import { tenantShards, type LedgerBindings } from "../ledger-shards.js";

export async function readRollups(env: LedgerBindings, tenant: string, range: SummaryRange): Promise<RollupRows> {
  const request = {
    axis: range.axis,
    grain: range.grain,
    firstBucket: range.firstBucket,
    lastBucket: range.lastBucket,
    periodLength: range.periodLength,
  };
  const parts = await Promise.all([
    range.axis === "received" ? readLegacyRollups(env.DB, tenant, range) : { counts: [], sketches: [] },
    ...tenantShards(env, tenant).map((shard) => shard.readRollups(request)),
  ]);
  return {
    counts: parts.flatMap((part) => (part as RollupRows).counts),
    sketches: parts.flatMap((part) => (part as RollupRows).sketches),
  };
}

async function readLegacyRollups(
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
