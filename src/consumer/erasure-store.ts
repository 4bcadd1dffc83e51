/**
 * The D1 statements over erasures (requests, progress and audit record) and suppressions. Progress counters only
 * ever add, in the same transaction as the change they count, so a run resumed after a crash counts each file once.
 * @module
 */
import { dayOfStoredKey } from "../core/exports/export-key.js";
import type { ErasurePhase, ErasureRow } from "../core/privacy/erasure.js";

export interface NewErasure {
  id: string;
  tenant: string;
  userid: string;
  useridHash: string;
  suppress: boolean;
  requestedBy: string;
  now: number;
}

/** The request row, and the suppression with it when asked, in one transaction. */
export async function insertErasure(db: D1Database, erasure: NewErasure): Promise<void> {
  const insert = db
    .prepare(
      `INSERT INTO erasures (id, tenant, userid, userid_hash, suppress, requested_by, requested_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)`,
    )
    .bind(
      erasure.id,
      erasure.tenant,
      erasure.userid,
      erasure.useridHash,
      erasure.suppress ? 1 : 0,
      erasure.requestedBy,
      erasure.now,
    );
  const suppress = db
    .prepare(
      `INSERT INTO suppressions (tenant, userid_hash, erasure_id, created_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (tenant, userid_hash) DO NOTHING`,
    )
    .bind(erasure.tenant, erasure.useridHash, erasure.id, erasure.now);
  await db.batch(erasure.suppress ? [insert, suppress] : [insert]);
}

export async function findErasure(db: D1Database, id: string): Promise<ErasureRow | undefined> {
  return (await db.prepare("SELECT * FROM erasures WHERE id = ?1").bind(id).first<ErasureRow>()) ?? undefined;
}

/** A tenant's erasures, newest first. */
export async function listErasures(db: D1Database, tenant: string, limit: number): Promise<ErasureRow[]> {
  const rows = await db
    .prepare("SELECT * FROM erasures WHERE tenant = ?1 ORDER BY requested_at DESC, id LIMIT ?2")
    .bind(tenant, limit)
    .all<ErasureRow>();
  return rows.results;
}

export async function markRunning(db: D1Database, id: string, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE erasures SET status = 'running', started_at = coalesce(started_at, ?2), updated_at = ?2
       WHERE id = ?1 AND status IN ('pending', 'running')`,
    )
    .bind(id, now)
    .run();
}

/** What a run adds to an erasure's counters. */
export interface ErasureProgress {
  filesListed?: number;
  filesExamined?: number;
  filesRewritten?: number;
  filesDeleted?: number;
  linesRemoved?: number;
  destinationObjects?: number;
  deadLettersRewritten?: number;
  parquetFilesRewritten?: number;
  parquetFilesDeleted?: number;
  parquetRowsRemoved?: number;
}

/**
 * Adds `progress`, and moves the cursor when given a position (only the end of a slice does: a slice that dies
 * is run again from the cursor it started at). With `onlyIf` (a SQL condition on ?8 = the file key, ?9 = the
 * new etag) only when it holds, evaluated before the statements after it in the same batch.
 */
export function progressStatement(
  db: D1Database,
  id: string,
  position: { phase: ErasurePhase; cursor: string } | undefined,
  progress: ErasureProgress,
  now: number,
  onlyIf?: { sql: string; key: string; etag: string | null },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE erasures SET phase = coalesce(?2, phase), cursor = coalesce(?3, cursor), updated_at = ?4,
         files_listed = files_listed + ?5, files_examined = files_examined + ?6,
         files_rewritten = files_rewritten + ?7, files_deleted = files_deleted + ?10,
         lines_removed = lines_removed + ?11, destination_objects = destination_objects + ?12,
         dead_letters_rewritten = dead_letters_rewritten + ?13,
         parquet_files_rewritten = parquet_files_rewritten + ?14,
         parquet_files_deleted = parquet_files_deleted + ?15, parquet_rows_removed = parquet_rows_removed + ?16
       WHERE id = ?1 AND status = 'running' ${onlyIf ? `AND ${onlyIf.sql}` : ""}`,
    )
    .bind(
      id,
      position?.phase ?? null,
      position?.cursor ?? null,
      now,
      progress.filesListed ?? 0,
      progress.filesExamined ?? 0,
      progress.filesRewritten ?? 0,
      onlyIf?.key ?? null,
      onlyIf?.etag ?? null,
      progress.filesDeleted ?? 0,
      progress.linesRemoved ?? 0,
      progress.destinationObjects ?? 0,
      progress.deadLettersRewritten ?? 0,
      progress.parquetFilesRewritten ?? 0,
      progress.parquetFilesDeleted ?? 0,
      progress.parquetRowsRemoved ?? 0,
    );
}

/**
 * The day folders (yyyy-mm-dd) of the export files that erasures of this user (by hash) in this tenant rewrote
 * or emptied: the days whose Parquet files may hold the user's rows (a closed day's Parquet is compacted from
 * that day folder's export files).
 */
export async function erasedDaysOfUser(db: D1Database, tenant: string, useridHash: string): Promise<Set<string>> {
  const rows = await db
    .prepare(
      `SELECT DISTINCT f.file_key AS key FROM erasure_files f JOIN erasures e ON e.id = f.erasure_id
       WHERE e.tenant = ?1 AND e.userid_hash = ?2 AND f.file_key LIKE '%.jsonl.gz'`,
    )
    .bind(tenant, useridHash)
    .all<{ key: string }>();
  return new Set(rows.results.map((row) => dayOfStoredKey(row.key)));
}

/** Done: the audit record keeps the hash, who, when and the counts; the userid itself is gone. */
export async function markDone(db: D1Database, id: string, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE erasures SET status = 'done', userid = NULL, finished_at = ?2, updated_at = ?2, error = NULL
       WHERE id = ?1 AND status = 'running'`,
    )
    .bind(id, now)
    .run();
}

/**
 * Failed, for good: no slice runs it again (markRunning and progress leave a failed row alone). The userid stays
 * so the operator can run the erasure again as a new request (OPERATIONS.md), then clear it.
 */
export async function markFailed(db: D1Database, id: string, error: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE erasures SET status = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1 AND status != 'done'")
    .bind(id, error.slice(0, 500), now)
    .run();
}

/** The tenant's suppressed userid hashes, for the edge's cache. */
export async function suppressedHashes(db: D1Database, tenant: string): Promise<string[]> {
  const rows = await db
    .prepare("SELECT userid_hash FROM suppressions WHERE tenant = ?1")
    .bind(tenant)
    .all<{ userid_hash: string }>();
  return rows.results.map((row) => row.userid_hash);
}

/** Lifts a suppression; returns whether there was one. */
export async function deleteSuppression(db: D1Database, tenant: string, useridHash: string): Promise<boolean> {
  const result = await db
    .prepare("DELETE FROM suppressions WHERE tenant = ?1 AND userid_hash = ?2")
    .bind(tenant, useridHash)
    .run();
  return result.meta.changes > 0;
}
