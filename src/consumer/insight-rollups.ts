/**
 * The insights rollups' D1 statements for one export file. They run in the same D1 batch (one transaction) as
 * the file's commit (export-ledger.ts: commitExportFile), after it, and each applies only if that commit did:
 * `WHERE EXISTS (... key = ?1 AND state = 'committed')`. Why this counts every event exactly once:
 *  - The file's key holds a fresh uuid, so only this attempt's commit statement can make it 'committed'; inside
 *    the transaction the condition is true exactly when that statement changed the row.
 *  - The transaction is all or nothing: no rollup without the commit, no commit without the rollup.
 *  - The rolled-up events are `ours`, the ids the claim step gave this file, i.e. never in a committed file
 *    before. A retry after a commit of unknown outcome finds them committed (duplicates, rolled up with that
 *    commit) or takes them over from the file that did not commit (never rolled up).
 * Each statement carries its rows as one JSON parameter read with json_each, never one statement per row.
 * @module
 */
import { rollUpEvents, type CountIncrement, type SketchUpdate } from "../core/insights/insight-rollup.js";
import { inChunks } from "../core/foundation/in-chunks.js";

/** Rows per JSON parameter: sketch rows are ~2 KB, so this keeps a parameter near 100 KB. */
const SKETCHES_PER_STATEMENT = 50;
const COUNTS_PER_STATEMENT = 2_000;

const IF_COMMITTED = "EXISTS (SELECT 1 FROM export_files WHERE key = ?1 AND state = 'committed')";

export function insightRollupStatements(
  db: D1Database,
  file: { key: string; tenant: string },
  events: readonly unknown[],
  now: Date,
): D1PreparedStatement[] {
  const { counts, sketches } = rollUpEvents(events, now);
  return [
    ...inChunks(counts, COUNTS_PER_STATEMENT).map((chunk) => addCounts(db, file, chunk)),
    ...inChunks(sketches, SKETCHES_PER_STATEMENT).map((chunk) => mergeSketches(db, file, chunk)),
  ];
}

function addCounts(
  db: D1Database,
  file: { key: string; tenant: string },
  counts: readonly CountIncrement[],
): D1PreparedStatement {
  const rows = counts.map((row) => [row.grain, row.bucket, row.dimension, row.value, row.count]);
  return db
    .prepare(
      `INSERT INTO insight_counts (tenant, grain, bucket, dimension, value, count)
       SELECT ?2, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?3)
       WHERE ${IF_COMMITTED}
       ON CONFLICT (tenant, grain, bucket, dimension, value) DO UPDATE SET count = count + excluded.count`,
    )
    .bind(file.key, file.tenant, JSON.stringify(rows));
}

// The merge is the per-register max: one character per register, compared as text (see hyperloglog.ts).
function mergeSketches(
  db: D1Database,
  file: { key: string; tenant: string },
  sketches: readonly SketchUpdate[],
): D1PreparedStatement {
  const rows = sketches.map((row) => [row.grain, row.bucket, row.kind, row.registers]);
  return db
    .prepare(
      `INSERT INTO insight_sketches (tenant, grain, bucket, kind, registers)
       SELECT ?2, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?3)
       WHERE ${IF_COMMITTED}
       ON CONFLICT (tenant, grain, bucket, kind) DO UPDATE SET registers = (
         WITH RECURSIVE register(position) AS (
           SELECT 1 UNION ALL SELECT position + 1 FROM register WHERE position < length(excluded.registers))
         SELECT group_concat(max(substr(insight_sketches.registers, position, 1), substr(excluded.registers, position, 1)), ''
                             ORDER BY position)
         FROM register)`,
    )
    .bind(file.key, file.tenant, JSON.stringify(rows));
}
