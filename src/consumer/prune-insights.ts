/**
 * The cron's pruning of insights rollups: minute rows older than 24 hours, day rows older than 400 days
 * (ROLLUP_RETENTION_MS). Deletes run in bounded chunks, so one run never holds D1 for long; what a run leaves
 * the next one finds. Logs one `insights_prune` line.
 * @module
 */
import { bucketOf, ROLLUP_GRAINS, ROLLUP_RETENTION_MS, type RollupGrain } from "../core/insights/insight-rollup.js";
import { logError, logInfo } from "../core/foundation/log.js";
import { D1Usage } from "./d1-usage.js";

const ROWS_PER_DELETE = 10_000;
const MAX_DELETES_PER_TABLE = 20;

export async function pruneInsights(env: Pick<Env, "DB">, now: number): Promise<void> {
  const started = Date.now();
  const usage = new D1Usage();
  const pruned: Record<string, number> = {};
  try {
    for (const grain of ROLLUP_GRAINS) {
      const before = oldestKeptBucket(grain, now);
      pruned[`${grain}_counts`] = await deleteOlder(env.DB, "insight_counts", grain, before, usage);
      pruned[`${grain}_sketches`] = await deleteOlder(env.DB, "insight_sketches", grain, before, usage);
    }
  } catch (error) {
    logError("insights_prune", pruned, error);
    return;
  }
  logInfo("insights_prune", {
    ...pruned,
    d1_rows_read: usage.rowsRead,
    d1_rows_written: usage.rowsWritten,
    duration_ms: Date.now() - started,
  });
}

/** Buckets before this one are past the grain's retention. */
export function oldestKeptBucket(grain: RollupGrain, now: number): string {
  return bucketOf(grain, new Date(now - ROLLUP_RETENTION_MS[grain]).toISOString());
}

async function deleteOlder(
  db: D1Database,
  table: "insight_counts" | "insight_sketches",
  grain: RollupGrain,
  before: string,
  usage: D1Usage,
): Promise<number> {
  // rowid-less tables: delete by the (grain, bucket) index, a chunk at a time.
  const statement = db
    .prepare(
      `DELETE FROM ${table} WHERE grain = ?1 AND bucket IN (
         SELECT bucket FROM ${table} WHERE grain = ?1 AND bucket < ?2 LIMIT ?3)`,
    )
    .bind(grain, before, ROWS_PER_DELETE);
  let deleted = 0;
  for (let round = 0; round < MAX_DELETES_PER_TABLE; round++) {
    const result = await statement.run();
    usage.record(result);
    deleted += result.meta.changes;
    if (result.meta.changes < ROWS_PER_DELETE) break;
  }
  return deleted;
}
