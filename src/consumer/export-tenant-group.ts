/**
 * Exports one tenant's events of a consumer batch as one file, exactly once, with D1 as the ledger.
 *
 * The protocol (every step may fail, and the Worker may die between any two):
 *  1. CLAIM (one D1 transaction): insert file K as 'pending'; mark 'abandoned' every pending file that holds
 *     one of our ids (an earlier or concurrent attempt: it can no longer commit); claim our ids for K unless a
 *     committed file holds them. The ids returned are K's; the rest are duplicates and are dropped.
 *  2. Delete the objects of the abandoned files (best effort: the cron sweeper deletes what this misses).
 *  3. Nothing claimed: forget K and ack (every event is already exported).
 *  4. WRITE the claimed events to R2 at K.
 *  5. COMMIT: K becomes 'committed' only if still pending and still holding all it claimed. If not (a later
 *     attempt took over), delete K's object and retry. If the commit throws, its outcome is unknown: keep the
 *     object and retry; the next attempt either finds the ids committed (duplicates) or abandons K.
 * A failure at 1 or 4, or a death anywhere, leaves K pending or abandoned: the messages come back, the next
 * attempt abandons K and deletes its object, so an event is never lost and never in two committed files.
 * Claims are found by eventid only (the table's one key; no index on file_key or claimed_at): K's claims are
 * exactly the ids step 1 returned, so steps 3, 5 and a rename look those ids up and check that they still name K.
 * The cron sweeper deletes the objects and rows of files that never committed (abandoned, or pending for over
 * an hour: no attempt is still working on them) and leaves their claims, which name no committed file and are
 * taken over at step 1 like any other uncommitted claim; the age purge removes them with the rest.
 * @module
 */
import { exportKey, utcDay } from "../core/exports/export-key.js";
import { countEventTypes } from "../core/exports/event-type-counts.js";
import { buildExportFile, exportFileMetadata, type ExportFile } from "../core/exports/export-file.js";
import { describeCause, logError, logWarn } from "../core/foundation/log.js";
import type { QueuedEvent, TenantGroup } from "../core/exports/tenant-groups.js";
import { scheduleDeliveries } from "../delivery/schedule-deliveries.js";
import type { D1Usage } from "./d1-usage.js";
import { insightRollupStatements } from "./insight-rollups.js";
import { claimEventIds, commitExportFile, discardEmptyFile, renamePendingFile, type Claim } from "./export-ledger.js";

export interface ExportStorage {
  bucket: R2Bucket;
  db: D1Database;
  usage: D1Usage;
  /** The delivery queue: each committed file goes to the tenant's destinations (src/delivery). */
  deliveries: Queue;
}

export interface GroupOutcome {
  settle: "ack" | "retry";
  eventsIn: number;
  duplicatesDropped: number;
  filesWritten: number;
  bytesWritten: number;
}

type Step = "claim" | "rename" | "write" | "commit";

export async function exportTenantGroup(
  group: TenantGroup<unknown>,
  storage: ExportStorage,
  now: Date,
): Promise<GroupOutcome> {
  const { bucket, db, usage } = storage;
  const tenant = group.tenant;
  const eventsIn = group.events.length + group.duplicatesInBatch;
  const fileId = crypto.randomUUID();
  const keyFor = (firstReceivedAt: string) => exportKey({ tenant, writtenAt: now, firstReceivedAt, fileId });
  const retry = (step: Step, key: string, cause?: unknown): GroupOutcome => {
    logError("batch_error", { tenant, step, key }, cause);
    return { settle: "retry", eventsIn, duplicatesDropped: group.duplicatesInBatch, filesWritten: 0, bytesWritten: 0 };
  };

  let key = keyFor(group.events[0]?.receivedat ?? now.toISOString());
  let claim: Claim;
  try {
    const file = { key, tenant, day: utcDay(now), createdAt: now.getTime() };
    claim = await claimEventIds(
      db,
      file,
      group.events.map((event) => event.eventid),
      usage,
    );
  } catch (error) {
    return retry("claim", key, error);
  }
  await deleteObjectsBestEffort(bucket, claim.abandonedKeys, tenant);

  const ours = group.events.filter((event) => claim.claimed.has(event.eventid));
  const duplicatesDropped = eventsIn - ours.length;
  const first = ours[0];
  if (!first) {
    await discardEmptyFileBestEffort(
      db,
      key,
      group.events.map((event) => event.eventid),
      usage,
      tenant,
    );
    return { settle: "ack", eventsIn, duplicatesDropped, filesWritten: 0, bytesWritten: 0 };
  }
  const ourIds = ours.map((event) => event.eventid);
  // The name carries the earliest receivedat of the events the file holds, which a duplicate may have changed.
  if (keyFor(first.receivedat) !== key) {
    try {
      await renamePendingFile(db, key, keyFor(first.receivedat), ourIds, usage);
      key = keyFor(first.receivedat);
    } catch (error) {
      return retry("rename", key, error);
    }
  }

  let file: ExportFile;
  let etag: string;
  try {
    ({ file, etag } = await writeExportFile(bucket, key, ours));
  } catch (error) {
    return retry("write", key, error);
  }

  const bytes = file.body.byteLength;
  let committed: boolean;
  try {
    const { events, firstReceivedAt, lastReceivedAt } = file;
    const facts = {
      key,
      events,
      bytes,
      firstReceivedAt,
      lastReceivedAt,
      committedAt: Date.now(),
      etag,
      typeCounts: countEventTypes(ours),
    };
    committed = await commitExportFile(
      db,
      facts,
      ourIds,
      usage,
      insightRollupStatements(db, { key, tenant }, ours, now),
    );
  } catch (error) {
    // Outcome unknown: deleting the object could delete a committed file. The retry settles it.
    return retry("commit", key, error);
  }
  if (!committed) {
    await deleteObjectsBestEffort(bucket, [key], tenant);
    return retry("commit", key, new Error("the file lost its claims to a later attempt"));
  }
  await scheduleDeliveries(storage, { tenant, key });
  return { settle: "ack", eventsIn, duplicatesDropped, filesWritten: 1, bytesWritten: bytes };
}

async function writeExportFile(
  bucket: R2Bucket,
  key: string,
  events: readonly QueuedEvent[],
): Promise<{ file: ExportFile; etag: string }> {
  const file = await buildExportFile(events);
  const object = await bucket.put(key, file.body, {
    // No contentEncoding: clients must download the gzip bytes as they are, not have them decoded in transit.
    httpMetadata: { contentType: "application/gzip" },
    customMetadata: exportFileMetadata(file),
  });
  // put returns null only for a failed onlyIf precondition, which this put does not set.
  if (!object) throw new Error("R2 put returned no object");
  return { file, etag: object.etag };
}

async function deleteObjectsBestEffort(bucket: R2Bucket, keys: readonly string[], tenant: string): Promise<void> {
  if (keys.length === 0) return;
  try {
    await bucket.delete([...keys]);
  } catch (error) {
    logWarn("batch_error", { tenant, step: "delete_abandoned", files: keys.length, ...describeCause(error) });
  }
}

// A leftover pending row holds no claims and no object; the sweeper removes it after an hour.
async function discardEmptyFileBestEffort(
  db: D1Database,
  key: string,
  eventIds: readonly string[],
  usage: D1Usage,
  tenant: string,
): Promise<void> {
  try {
    await discardEmptyFile(db, key, eventIds, usage);
  } catch (error) {
    logWarn("batch_error", { tenant, step: "discard", key, ...describeCause(error) });
  }
}
