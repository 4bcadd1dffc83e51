/**
 * The consumer of the erasures queue: runs one erasure in slices, one message per slice. A slice lists one page
 * of the tenant's objects from the erasure's cursor (with their metadata), reads only those whose userid filter
 * may hold the user (src/core/privacy/userid-filter.ts), rewrites or deletes the ones that do
 * (erase-export-file.ts), then moves the cursor and sends the next slice's message. The closed days' Parquet
 * files come after every export file in key order: those of a day whose export files held the user (any erasure
 * of the same userid hash) are read and rewritten (erase-parquet-file.ts), at most one rewrite per slice, the
 * slice ending before the next. After the tenant's prefix it
 * does the same over the dead letters (erase-dead-letter.ts), then marks the erasure done and forgets the userid.
 * A slice that fails is retried by the queue and resumes at the cursor; every step is safe to run twice. At its
 * MAX_ERASURE_ATTEMPTS-th attempt the erasure is marked failed and the message acked: failed is final for that
 * erasure (a later delivery of its message runs nothing); running it again is a new request.
 * @module
 */
import { DEAD_LETTER_PREFIX, dayOfStoredKey } from "../core/exports/export-key.js";
import { ledgerShardsOf, readConfig } from "../core/foundation/config.js";
import { shardsToRead } from "../core/exports/shard-schedule.js";
import { logError, logInfo } from "../core/foundation/log.js";
import type { ErasurePhase, ErasureRow } from "../core/privacy/erasure.js";
import { erasureMessageBody, parseErasureMessage } from "../core/privacy/erasure-message.js";
import { filterMayHold, USERID_FILTER_METADATA_KEY } from "../core/privacy/userid-filter.js";
import { eraseFromDeadLetter } from "./erase-dead-letter.js";
import { eraseFromExportFile } from "./erase-export-file.js";
import type { ErasureContext } from "./record-erased-file.js";
import { eraseFromParquetFile } from "./erase-parquet-file.js";
import {
  erasedDaysOfUser,
  findErasure,
  markDone,
  markFailed,
  markRunning,
  progressStatement,
} from "./erasure-store.js";

/** Objects listed per slice: one R2 list call. */
export const OBJECTS_PER_SLICE = 1000;
/** Parquet files a slice rewrites at most: one is up to 200,000 rows to read and write again. */
export const PARQUET_REWRITES_PER_SLICE = 1;

export type ErasureBindings = Pick<Env, "EXPORTS" | "DB" | "DELIVERIES" | "ERASURES" | "LEDGER"> &
  Parameters<typeof readConfig>[0];

export async function runErasures(batch: MessageBatch<unknown>, env: ErasureBindings): Promise<void> {
  for (const message of batch.messages) {
    let id: string;
    try {
      id = parseErasureMessage(message.body);
    } catch (error) {
      logError("erasure_error", { queue: batch.queue, step: "parse", message_id: message.id }, error);
      message.ack();
      continue;
    }
    try {
      const more = await runSlice(id, env);
      if (more) await env.ERASURES.send(erasureMessageBody(id), { contentType: "text" });
      message.ack();
    } catch (error) {
      logError("erasure_error", { erasure: id, step: "slice", attempt: message.attempts }, error);
      if (await settledAsFailed(env.DB, id, message.attempts, error)) message.ack();
      else message.retry({ delaySeconds: Math.min(300, 5 * 2 ** Math.min(message.attempts, 6)) });
    }
  }
}

/**
 * The attempt that marks an erasure failed: the queue's max_retries for the erasures consumer (wrangler.toml),
 * which allows one delivery more, so a failed write of the status itself is retried once.
 */
export const MAX_ERASURE_ATTEMPTS = 20;

/** From the last counted attempt on, the erasure is marked failed and its message settled (acked); true if so. */
async function settledAsFailed(db: D1Database, id: string, attempts: number, error: unknown): Promise<boolean> {
  if (attempts < MAX_ERASURE_ATTEMPTS) return false;
  try {
    await markFailed(db, id, error instanceof Error ? error.message : String(error), Date.now());
    return true;
  } catch (markError) {
    logError("erasure_error", { erasure: id, step: "mark_failed", attempt: attempts }, markError);
    return false;
  }
}

/** One slice of the erasure; true when there is more to do. */
export async function runSlice(id: string, env: ErasureBindings): Promise<boolean> {
  const row = await findErasure(env.DB, id);
  // Done or failed, the erasure is settled: a later delivery of its message runs nothing (a re-run is a new request).
  if (!row || row.status === "done" || row.status === "failed") return false;
  if (row.userid === null) throw new Error("the erasure has no userid to look for");
  if (row.status !== "running") await markRunning(env.DB, id, Date.now());
  const context: ErasureContext = {
    id,
    tenant: row.tenant,
    userid: row.userid,
    bucket: env.EXPORTS,
    db: env.DB,
    deliveries: env.DELIVERIES,
    ledger: env.LEDGER,
    shards: shardsToRead(ledgerShardsOf(readConfig(env).ledger, row.tenant)),
  };
  const phase: ErasurePhase = row.phase;
  const prefix = phase === "exports" ? `${row.tenant}/` : DEAD_LETTER_PREFIX;
  const page = await env.EXPORTS.list({
    prefix,
    startAfter: row.cursor === "" ? undefined : row.cursor,
    limit: OBJECTS_PER_SLICE,
    include: ["customMetadata"],
  });
  let examinedWithoutUser = 0;
  let parquetRewritten = 0;
  let userDays: Set<string> | undefined;
  /** The last key this slice finished: the cursor the next slice starts after. */
  let cursor = row.cursor;
  let stoppedEarly = false;
  let done = 0;
  for (const object of page.objects) {
    if (phase === "deadletters") {
      await eraseFromDeadLetter(context, object.key);
    } else if (isExportFile(object.key)) {
      if (filterMayHold(object.customMetadata?.[USERID_FILTER_METADATA_KEY], row.userid)) {
        const outcome = await eraseFromExportFile(context, object.key);
        if (outcome === "kept") examinedWithoutUser++;
      }
    } else if (isParquetFile(object.key)) {
      userDays ??= await erasedDaysOfUser(env.DB, row.tenant, row.userid_hash);
      if (userDays.has(dayOfStoredKey(object.key))) {
        // One Parquet rewrite per slice (a file's worth of CPU): the next one starts the next slice.
        if (parquetRewritten >= PARQUET_REWRITES_PER_SLICE) {
          stoppedEarly = true;
          break;
        }
        if ((await eraseFromParquetFile(context, object)) === "rewritten") parquetRewritten++;
      }
    }
    cursor = object.key;
    done++;
  }
  const finished = !page.truncated && !stoppedEarly;
  const next = finished && phase === "exports" ? { phase: "deadletters" as const, cursor: "" } : { phase, cursor };
  await progressStatement(
    env.DB,
    id,
    next,
    { filesListed: phase === "exports" ? done : 0, filesExamined: examinedWithoutUser },
    Date.now(),
  ).run();
  if (finished && phase === "deadletters") {
    await markDone(env.DB, id, Date.now());
    logDone(row, id);
    return false;
  }
  return true;
}

/** The export files themselves; other objects under the prefix (derived files) are not JSON Lines of events. */
function isExportFile(key: string): boolean {
  return key.endsWith(".jsonl.gz");
}

/** A closed day's Parquet file; the aggregates (`{tenant}/aggregates/`) hold counts, no user (docs/privacy.md). */
function isParquetFile(key: string): boolean {
  return key.endsWith(".parquet");
}

function logDone(row: ErasureRow, id: string): void {
  logInfo("erasure", { erasure: id, tenant: row.tenant, status: "done" });
}
