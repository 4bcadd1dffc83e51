/**
 * Request reports that reached the consumer without events (src/core/events/request-report.ts: sent alone, with
 * an id), counted in the shard exactly once: each id is remembered in `reports` in the transaction that adds its
 * counts to the rollups, so a redelivered message adds nothing. The ids are aged out with the dedupe runs
 * (shard-sweep.ts); a queue redelivers for days at most.
 * @module
 */
import type { ReportsRequest } from "../core/exports/ledger-protocol.js";
import type { CountIncrement } from "../core/insights/insight-rollup.js";
import { addRollups } from "./shard-rollups.js";
import type { MeteredSql } from "./sql-usage.js";

/** Adds the counts of the reports this shard has not counted yet; returns how many it counted now. */
export function addReports(sql: MeteredSql, request: ReportsRequest, now: number): number {
  const counts: CountIncrement[] = [];
  let counted = 0;
  for (const report of request.reports) {
    const fresh = sql.all(
      "INSERT INTO reports (id, counted_at) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING RETURNING id",
      report.id,
      now,
    );
    if (fresh.length === 0) continue;
    counted++;
    counts.push(...report.counts);
  }
  // Rejected events count by when they were received, on both time axes (they have no eventtime).
  if (counts.length > 0) addRollups(sql, { counts, sketches: [] }, "received", now);
  return counted;
}

/** Forgets the ids counted before `before` (epoch ms); returns how many. */
export function expireReports(sql: MeteredSql, before: number): number {
  return sql.all("DELETE FROM reports WHERE counted_at < ?1 RETURNING 1", before).length;
}
