/**
 * The RECORD step an erasure takes for each file it rewrote or emptied (an export file: erase-export-file.ts; a
 * closed day's Parquet file: erase-parquet-file.ts), the same for both: the manifest takes the file's new facts or
 * marks it erased (an export file's ledger shard, and the D1 row every Parquet file and the export files of
 * tenants with destinations have), and one D1 transaction adds the file to the erasure's counters unless
 * erasure_files already has it, writes its row there and puts its delivery rows back to pending; then the delivery
 * messages are sent. Setting the same facts again changes nothing, so a step run twice counts the file once.
 * @module
 */
import type { EventTypeCounts } from "../core/exports/event-type-counts.js";
import type { ErasedFileRequest } from "../core/exports/ledger-protocol.js";
import { ledgerShardName } from "../core/exports/ledger-shards.js";
import { resetFileDeliveries, resetTasks } from "../delivery/delivery-ledger.js";
import { enqueueDeliveries } from "../delivery/delivery-message.js";
import { type ErasureProgress, progressStatement } from "./erasure-store.js";

/** Custom metadata of a rewritten object: which erasure rewrote it and how many lines (or rows) it removed. */
export const ERASED_BY = "erased_by";
export const ERASED_LINES = "erased_lines";

/** "kept": examined, not the user's; "done": this erasure already rewrote and counted it (a slice run again). */
export type FileOutcome = "kept" | "rewritten" | "deleted" | "done" | "gone";

export interface ErasureContext {
  id: string;
  tenant: string;
  userid: string;
  bucket: R2Bucket;
  db: D1Database;
  deliveries: Queue;
  ledger: Env["LEDGER"];
  /** How many ledger shards the tenant has. */
  shards: number;
}

/** What a file now holds after its user's lines (or rows) are gone. */
export interface RemainingFacts {
  etag: string;
  bytes: number;
  events: number;
  typeCounts: EventTypeCounts;
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** An export file's events of earlier days (its ledger shard row); a Parquet file has none of its own. */
  earlierDayEvents?: number;
}

export type ErasedFile =
  | { format: "jsonl" | "parquet"; kind: "deleted"; removed: number }
  | ({ format: "jsonl" | "parquet"; kind: "rewritten"; removed: number } & RemainingFacts);

/** Whether this erasure already recorded the file (a step run again after a crash). */
export async function alreadyCounted(context: ErasureContext, key: string): Promise<boolean> {
  const row = await context.db
    .prepare("SELECT 1 AS counted FROM erasure_files WHERE erasure_id = ?1 AND file_key = ?2")
    .bind(context.id, key)
    .first<{ counted: number }>();
  return row !== null;
}

export async function recordErasedFile(context: ErasureContext, key: string, outcome: ErasedFile): Promise<void> {
  const { db, id } = context;
  const now = Date.now();
  // Parquet files are in D1 alone (src/compaction/closed-day-ledger.ts).
  if (outcome.format === "jsonl") {
    await changeManifest(context, {
      key,
      change:
        outcome.kind === "deleted"
          ? { erasedAt: now }
          : {
              etag: outcome.etag,
              bytes: outcome.bytes,
              events: outcome.events,
              typeCounts: outcome.typeCounts,
              firstReceivedAt: outcome.firstReceivedAt,
              lastReceivedAt: outcome.lastReceivedAt,
              ...(outcome.earlierDayEvents !== undefined && { earlierDayEvents: outcome.earlierDayEvents }),
            },
    });
  }
  const destinations = await db
    .prepare("SELECT count(*) AS n FROM deliveries WHERE file_key = ?1")
    .bind(key)
    .first<{ n: number }>();
  const progress = progressStatement(
    db,
    id,
    undefined,
    { ...countedAs(outcome), destinationObjects: destinations?.n ?? 0 },
    now,
    { sql: "NOT EXISTS (SELECT 1 FROM erasure_files WHERE erasure_id = ?1 AND file_key = ?8)", key, etag: null },
  );
  const remember = db
    .prepare(
      `INSERT INTO erasure_files (erasure_id, file_key, outcome, lines_removed) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (erasure_id, file_key) DO NOTHING`,
    )
    .bind(id, key, outcome.kind, outcome.removed);
  const copy =
    outcome.kind === "deleted"
      ? db
          .prepare(
            `UPDATE export_files SET erased_at = coalesce(erased_at, ?2), events = 0, bytes = 0, etag = NULL, type_counts = '{}'
             WHERE key = ?1 AND tenant = ?3`,
          )
          .bind(key, now, context.tenant)
      : db
          .prepare(
            `UPDATE export_files SET etag = ?2, bytes = ?3, events = ?4, type_counts = ?5, first_receivedat = ?7,
               last_receivedat = ?8
             WHERE key = ?1 AND tenant = ?6`,
          )
          .bind(
            key,
            outcome.etag,
            outcome.bytes,
            outcome.events,
            JSON.stringify(outcome.typeCounts),
            context.tenant,
            outcome.firstReceivedAt,
            outcome.lastReceivedAt,
          );
  const results = await db.batch([progress, remember, copy, resetFileDeliveries(db, key, now)]);
  // Rows first, then messages: if sending fails the rows stay pending and the cron sends them.
  await enqueueDeliveries(context.deliveries, resetTasks(results[3]));
}

/** An export file counts as a file examined and holding the user; a Parquet file in counts of its own. */
function countedAs(outcome: ErasedFile): ErasureProgress {
  const deleted = outcome.kind === "deleted" ? 1 : 0;
  if (outcome.format === "parquet") {
    return { parquetFilesRewritten: 1 - deleted, parquetFilesDeleted: deleted, parquetRowsRemoved: outcome.removed };
  }
  return { filesExamined: 1, filesRewritten: 1 - deleted, filesDeleted: deleted, linesRemoved: outcome.removed };
}

/** Every shard of the tenant is asked: the one that holds the file changes it (a file of before has none). */
async function changeManifest(context: ErasureContext, request: ErasedFileRequest): Promise<void> {
  await Promise.all(
    Array.from({ length: context.shards }, (_, shard) =>
      context.ledger.get(context.ledger.idFromName(ledgerShardName(context.tenant, shard))).changeErasedFile(request),
    ),
  );
}
