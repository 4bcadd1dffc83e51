/**
 * Exports one (tenant, ledger shard) group of a consumer batch as one file, exactly once, with the shard's
 * Durable Object as the ledger (src/ledger/).
 *
 * The protocol (every step may fail, and the Worker may die between any two):
 *  0. While the D1 ledger of before the shards is honoured (legacy-claims.ts): drop the events a committed D1
 *     file holds, and abandon pending D1 files holding any of them.
 *  0b. While a change of the tenant's shard count hands sessions over (shard-handover.ts): SEAL the events of
 *     moved sessions in the shards earlier counts put them in; drop those a committed file there holds.
 *  1. CLAIM (one transaction of the shard): the sequence numbers no committed file holds become the new file
 *     K's, as runs per session; every pending file that held one of them is abandoned (an earlier or concurrent
 *     attempt: it can no longer commit). K is named after the earliest event it holds.
 *  2. Delete the objects of the abandoned files (best effort: the shard's alarm deletes what this misses). Run
 *     the delivery hook again for committed files that hold duplicates (step 6 of an earlier attempt may have
 *     failed).
 *  3. Nothing claimed: ack (every event is already exported; the shard wrote nothing).
 *  4. WRITE the claimed events to R2 at K.
 *  5. COMMIT (one transaction of the shard): K becomes 'committed' only if still pending, with its manifest facts
 *     and its insights rollups (with the counts of the request reports whose anchor event K holds). If not (a
 *     later attempt took over), delete K's object and retry. If the commit
 *     throws, its outcome is unknown: keep the object and retry; the next attempt either finds the events
 *     committed (duplicates) or abandons K.
 *  6. Delivery hook (deliverable-file.ts); if it fails, retry (step 2 of the retry runs it again).
 * A failure at 1 or 4, or a death anywhere, leaves K pending or abandoned: the messages come back, the next
 * attempt abandons K and deletes its object, so an event is never lost and never in two committed files. The
 * shard's alarm deletes the objects of files that never committed (abandoned, or pending for over an hour).
 * @module
 */
import type { ClaimResult, CommittedFile, LedgerUsage } from "../core/exports/ledger-protocol.js";
import { ledgerShardName } from "../core/exports/ledger-shards.js";
import { countEarlierDayEvents } from "../core/exports/earlier-day-events.js";
import { countEventTypes } from "../core/exports/event-type-counts.js";
import { utcDay } from "../core/exports/export-key.js";
import { buildExportFile, exportFileMetadata, type ExportFile, type FileCounts } from "../core/exports/export-file.js";
import { sessionNumbersOf, type ShardGroup } from "../core/exports/shard-groups.js";
import type { QueuedEvent } from "../core/exports/tenant-groups.js";
import { describeCause, logError, logWarn } from "../core/foundation/log.js";
import { rollUpEvents } from "../core/insights/insight-rollup.js";
import { withReports } from "../core/quality/report-rollups.js";
import type { D1Usage } from "./d1-usage.js";
import { recordDeliverableFile } from "./deliverable-file.js";
import { honourLegacyClaims } from "./legacy-claims.js";
import { type Handover, handOverSessions } from "./shard-handover.js";

export interface ExportStorage {
  bucket: R2Bucket;
  db: D1Database;
  ledger: Env["LEDGER"];
  usage: D1Usage;
  /** The ledger shards' calls, rows read and written and time (ms, as the consumer waits), over the batch. */
  ledgerUsage: LedgerUsage & { calls: number; ms: number; maxShardMs: number; maxShardBytes: number };
  /** The delivery queue: each committed file goes to the tenant's destinations (src/delivery). */
  deliveries: Queue;
  /** Whether the D1 claims of before the shards still count (step 0). */
  honourLegacyClaims: boolean;
}

export interface GroupOutcome {
  settle: "ack" | "retry";
  eventsIn: number;
  duplicatesDropped: number;
  filesWritten: number;
  bytesWritten: number;
}

type Step = "legacy" | "handover" | "claim" | "write" | "commit" | "deliver";

export async function exportShardGroup(
  group: ShardGroup<unknown>,
  storage: ExportStorage,
  now: Date,
): Promise<GroupOutcome> {
  const { bucket } = storage;
  const tenant = group.tenant;
  const eventsIn = group.events.length + group.duplicatesInBatch;
  const retry = (step: Step, key: string | null, cause?: unknown): GroupOutcome => {
    logError("batch_error", { tenant, shard: group.shard, step, key }, cause);
    return { settle: "retry", eventsIn, duplicatesDropped: group.duplicatesInBatch, filesWritten: 0, bytesWritten: 0 };
  };

  let events: readonly QueuedEvent[] = group.events;
  if (storage.honourLegacyClaims) {
    try {
      const legacy = await honourLegacyClaims(
        storage.db,
        events.map((event) => event.eventid),
        storage.usage,
      );
      await deleteObjectsBestEffort(bucket, legacy.abandonedKeys, tenant);
      events = events.filter((event) => !legacy.exported.has(event.eventid));
    } catch (error) {
      return retry("legacy", null, error);
    }
  }

  let handover: Handover;
  const handoverStarted = Date.now();
  try {
    handover = await handOverSessions(group, events, storage.ledger);
    for (const usage of handover.usage) countUsage(storage, usage, handoverStarted);
  } catch (error) {
    return retry("handover", null, error);
  }
  await deleteObjectsBestEffort(bucket, handover.abandonedKeys, tenant);
  events = handover.remaining;

  const shard = storage.ledger.get(storage.ledger.idFromName(ledgerShardName(tenant, group.shard)));
  const ledgerStarted = Date.now();
  let claim: ClaimResult;
  try {
    claim = (await shard.claim({
      ...sessionNumbersOf(events, group.routing.stepFrom),
      receivedAt: events.map((event) => event.receivedat),
      tenant,
      fileId: crypto.randomUUID(),
      writtenAt: now.getTime(),
    })) as ClaimResult;
    countUsage(storage, claim.usage, ledgerStarted);
    storage.ledgerUsage.maxShardBytes = Math.max(storage.ledgerUsage.maxShardBytes, claim.databaseBytes);
  } catch (error) {
    return retry("claim", null, error);
  }
  let ledgerMs = Date.now() - ledgerStarted;
  await deleteObjectsBestEffort(bucket, claim.abandonedKeys, tenant);
  try {
    for (const file of [...handover.heldBy, ...claim.heldBy]) await recordDeliverableFile(storage, tenant, file);
  } catch (error) {
    return retry("deliver", null, error);
  }

  const ours = claim.claimed.map((index) => events[index]!);
  const duplicatesDropped = eventsIn - ours.length;
  const key = claim.key;
  if (key === null || ours.length === 0) {
    return { settle: "ack", eventsIn, duplicatesDropped, filesWritten: 0, bytesWritten: 0 };
  }

  const counts: FileCounts = {
    typeCounts: countEventTypes(ours),
    // The file lands in the folder of `now` (the claim names it after writtenAt).
    earlierDayEvents: countEarlierDayEvents(ours, utcDay(now)),
  };
  let file: ExportFile;
  let etag: string;
  try {
    ({ file, etag } = await writeExportFile(bucket, key, ours, counts));
  } catch (error) {
    return retry("write", key, error);
  }

  const committedFile: CommittedFile = {
    key,
    facts: {
      events: file.events,
      bytes: file.body.byteLength,
      firstReceivedAt: file.firstReceivedAt,
      lastReceivedAt: file.lastReceivedAt,
      committedAt: Date.now(),
      etag,
      ...counts,
    },
  };
  let committed: boolean;
  try {
    // A request report counts with its anchor event: in the one commit that exports that event.
    const ourIds = new Set(ours.map((event) => event.eventid));
    const reports = group.reports.filter((entry) => ourIds.has(entry.anchor)).map((entry) => entry.report);
    const rollups = rollUpEvents(ours, now);
    const commitStarted = Date.now();
    const result = await shard.commit({
      ...committedFile,
      // Rejected events count by when they were received, on both time axes: they have no eventtime.
      rollups: withReports(rollups.received, reports, now),
      lateRollups: { received: rollups.received_late, event: rollups.event_late },
    });
    countUsage(storage, result.usage, commitStarted);
    ledgerMs += Date.now() - commitStarted;
    storage.ledgerUsage.maxShardMs = Math.max(storage.ledgerUsage.maxShardMs, ledgerMs);
    committed = result.committed;
  } catch (error) {
    // Outcome unknown: deleting the object could delete a committed file. The retry settles it.
    return retry("commit", key, error);
  }
  if (!committed) {
    await deleteObjectsBestEffort(bucket, [key], tenant);
    return retry("commit", key, new Error("the file lost its claims to a later attempt"));
  }
  try {
    await recordDeliverableFile(storage, tenant, committedFile);
  } catch (error) {
    return retry("deliver", key, error);
  }
  return { settle: "ack", eventsIn, duplicatesDropped, filesWritten: 1, bytesWritten: file.body.byteLength };
}

function countUsage(storage: ExportStorage, usage: LedgerUsage, started: number): void {
  storage.ledgerUsage.calls++;
  storage.ledgerUsage.ms += Date.now() - started;
  storage.ledgerUsage.rowsRead += usage.rowsRead;
  storage.ledgerUsage.rowsWritten += usage.rowsWritten;
}

async function writeExportFile(
  bucket: R2Bucket,
  key: string,
  events: readonly QueuedEvent[],
  counts: FileCounts,
): Promise<{ file: ExportFile; etag: string }> {
  const file = await buildExportFile(events);
  const object = await bucket.put(key, file.body, {
    // No contentEncoding: clients must download the gzip bytes as they are, not have them decoded in transit.
    httpMetadata: { contentType: "application/gzip" },
    customMetadata: exportFileMetadata(file, counts),
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
