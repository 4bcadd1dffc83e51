/**
 * One step of an erasure: one R2 object of the tenant that may hold the user. Every step may fail and the
 * Worker may die between any two; the order makes a second run finish the same work and count it once:
 *  1. READ the object and drop the user's lines (none: it is kept, or this erasure already rewrote it).
 *  2. WRITE: some lines left, put them at the same key (new ETag), the erasure's id and how many lines it removed
 *     in the object's metadata; none left, skip to 3.
 *  3. MANIFEST: the ledger shard that holds the file (src/ledger/) takes its new etag, size and counts (events,
 *     types, first and last receivedat, events of earlier days: core/privacy/erased-file-facts.ts), or marks
 *     it erased (the pull API stops listing it). Setting the same facts again changes nothing.
 *  4. RECORD (one D1 transaction): the erasure's counters add the file unless erasure_files already has it, its
 *     row there, the D1 manifest copy (tenants with destinations) and its delivery rows back to pending. Then the
 *     delivery messages.
 *  5. An emptied file's object is deleted last, so a death before it leaves it to be found again.
 * The erasure's cursor moves only at the end of a slice (erase-user.ts), so a death anywhere runs the slice
 * again. A death after 2 leaves an object without the user: the next run sees this erasure's id in its metadata
 * and, unless erasure_files has it, redoes 3 and 4 with the lines the metadata says were removed.
 * @module
 */
import { dayOfStoredKey } from "../core/exports/export-key.js";
import { gunzip, gzip } from "../core/exports/gzip.js";
import type { ErasedFileRequest } from "../core/exports/ledger-protocol.js";
import { ledgerShardName } from "../core/exports/ledger-shards.js";
import { eraseUserLines } from "../core/privacy/erase-lines.js";
import { type ErasedFileFacts, erasedFileFacts } from "../core/privacy/erased-file-facts.js";
import { resetFileDeliveries, resetTasks } from "../delivery/delivery-ledger.js";
import { enqueueDeliveries } from "../delivery/delivery-message.js";
import { progressStatement } from "./erasure-store.js";

/** Custom metadata of a rewritten object: which erasure rewrote it and how many lines it removed. */
const ERASED_BY = "erased_by";
const ERASED_LINES = "erased_lines";

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

/** "kept": examined, not the user's; "done": this erasure already rewrote and counted it (a slice run again). */
export type FileOutcome = "kept" | "rewritten" | "deleted" | "done" | "gone";

export async function eraseFromExportFile(context: ErasureContext, key: string): Promise<FileOutcome> {
  const { bucket, userid } = context;
  const object = await bucket.get(key);
  if (!object) return "gone";
  const text = new TextDecoder().decode(await gunzip(new Uint8Array(await object.arrayBuffer())));
  const erased = eraseUserLines(text, userid);

  if (erased.removed > 0 && erased.kept === 0) {
    await recordOutcome(context, key, { kind: "deleted", removed: erased.removed });
    await bucket.delete(key);
    return "deleted";
  }
  if (erased.removed > 0) {
    const facts = erasedFileFacts(erased.text, dayOfStoredKey(key));
    const written = await bucket.put(key, await gzip(new TextEncoder().encode(erased.text)), {
      httpMetadata: object.httpMetadata,
      // The userid filter stays as it was: a run that dies after this put must still pick the file again.
      customMetadata: {
        ...object.customMetadata,
        ...factsMetadata(facts),
        [ERASED_BY]: context.id,
        [ERASED_LINES]: String(erased.removed),
      },
    });
    if (!written) throw new Error("R2 put returned no object");
    await recordOutcome(context, key, rewritten(written, facts, erased.removed));
    return "rewritten";
  }
  if (object.customMetadata?.[ERASED_BY] !== context.id) return "kept";
  if (await alreadyCounted(context, key)) return "done";
  // A run died after WRITE: finish the file with what the object's metadata says was removed.
  const facts = erasedFileFacts(text, dayOfStoredKey(key));
  await recordOutcome(context, key, rewritten(object, facts, Number(object.customMetadata[ERASED_LINES] ?? 0)));
  return "rewritten";
}

/** The facts export-file.ts records in an object's custom metadata, as the rewritten file now has them. */
function factsMetadata(facts: ErasedFileFacts): Record<string, string> {
  return {
    events: String(facts.events),
    first_receivedat: facts.firstReceivedAt,
    last_receivedat: facts.lastReceivedAt,
  };
}

type Outcome =
  | { kind: "deleted"; removed: number }
  | ({ kind: "rewritten"; removed: number; etag: string; bytes: number } & ErasedFileFacts);

function rewritten(object: R2Object, facts: ErasedFileFacts, removed: number): Outcome {
  return { kind: "rewritten", removed, etag: object.etag, bytes: object.size, ...facts };
}

async function alreadyCounted(context: ErasureContext, key: string): Promise<boolean> {
  const row = await context.db
    .prepare("SELECT 1 AS counted FROM erasure_files WHERE erasure_id = ?1 AND file_key = ?2")
    .bind(context.id, key)
    .first<{ counted: number }>();
  return row !== null;
}

async function recordOutcome(context: ErasureContext, key: string, outcome: Outcome): Promise<void> {
  const { db, id } = context;
  const now = Date.now();
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
            earlierDayEvents: outcome.earlierDayEvents,
          },
  });
  const destinations = await db
    .prepare("SELECT count(*) AS n FROM deliveries WHERE file_key = ?1")
    .bind(key)
    .first<{ n: number }>();
  const counted =
    outcome.kind === "deleted"
      ? { filesExamined: 1, filesDeleted: 1, linesRemoved: outcome.removed }
      : { filesExamined: 1, filesRewritten: 1, linesRemoved: outcome.removed };
  const progress = progressStatement(db, id, undefined, { ...counted, destinationObjects: destinations?.n ?? 0 }, now, {
    sql: "NOT EXISTS (SELECT 1 FROM erasure_files WHERE erasure_id = ?1 AND file_key = ?8)",
    key,
    etag: null,
  });
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

/** Every shard of the tenant is asked: the one that holds the file changes it (a file of before has none). */
async function changeManifest(context: ErasureContext, request: ErasedFileRequest): Promise<void> {
  await Promise.all(
    Array.from({ length: context.shards }, (_, shard) =>
      context.ledger.get(context.ledger.idFromName(ledgerShardName(context.tenant, shard))).changeErasedFile(request),
    ),
  );
}
