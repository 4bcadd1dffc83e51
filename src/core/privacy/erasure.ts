/**
 * An erasure request and its status as the admin API shows them: the request body's schema, the D1 row, and
 * the status built from it (the userid itself never leaves the row; the audit record names it by its hash).
 * @module
 */
import { z } from "zod";

export const ERASURE_STATUSES = ["pending", "running", "done", "failed"] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

export const erasureRequestSchema = z.strictObject({
  userid: z.string().min(1).max(256),
  suppress: z.boolean().default(true),
  requestedby: z.string().min(1).max(200).optional(),
});
export type ErasureRequest = z.infer<typeof erasureRequestSchema>;

/** The phases of a run: the tenant's export prefix, then the dead letters. */
export type ErasurePhase = "exports" | "deadletters";

/** A row of the erasures table as D1 returns it. */
export interface ErasureRow {
  id: string;
  tenant: string;
  userid: string | null;
  userid_hash: string;
  suppress: number;
  requested_by: string;
  status: ErasureStatus;
  phase: ErasurePhase;
  cursor: string;
  files_listed: number;
  files_examined: number;
  files_rewritten: number;
  files_deleted: number;
  lines_removed: number;
  destination_objects: number;
  dead_letters_rewritten: number;
  parquet_files_rewritten: number;
  parquet_files_deleted: number;
  parquet_rows_removed: number;
  error: string | null;
  requested_at: number;
  started_at: number | null;
  updated_at: number;
  finished_at: number | null;
}

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

/** The status the admin API answers: counts and timestamps, the userid as its hash only. */
export function erasureStatus(row: ErasureRow) {
  return {
    id: row.id,
    tenant: row.tenant,
    status: row.status,
    userid_sha256: row.userid_hash,
    suppress: row.suppress === 1,
    requestedby: row.requested_by,
    counts: {
      files_listed: row.files_listed,
      files_examined: row.files_examined,
      files_holding_user: row.files_rewritten + row.files_deleted,
      files_rewritten: row.files_rewritten,
      files_deleted: row.files_deleted,
      lines_removed: row.lines_removed,
      destination_objects_replaced: row.destination_objects,
      dead_letters_rewritten: row.dead_letters_rewritten,
      parquet_files_rewritten: row.parquet_files_rewritten,
      parquet_files_deleted: row.parquet_files_deleted,
      parquet_rows_removed: row.parquet_rows_removed,
    },
    error: row.error,
    requested_at: iso(row.requested_at),
    started_at: iso(row.started_at),
    updated_at: iso(row.updated_at),
    finished_at: iso(row.finished_at),
  };
}
