/**
 * After a file commits in its ledger shard: for a tenant with push destinations, its manifest row in D1
 * (export_files, which the delivery code reads: src/delivery/) and a delivery per destination. For any other
 * tenant the statement writes nothing. It must succeed before the messages are acked: when it fails they are
 * retried, their events are then duplicates held by this committed file, and the claim names the file
 * (ClaimResult.heldBy) so this runs again. Both writes are idempotent.
 * @module
 */
import { dayOfStoredKey } from "../core/exports/export-key.js";
import type { CommittedFile } from "../core/exports/ledger-protocol.js";
import { scheduleDeliveries, type DeliveryScheduling } from "../delivery/schedule-deliveries.js";
import type { D1Usage } from "./d1-usage.js";

export async function recordDeliverableFile(
  storage: DeliveryScheduling & { usage: D1Usage },
  tenant: string,
  file: CommittedFile,
): Promise<void> {
  const { facts } = file;
  const result = await storage.db
    .prepare(
      `INSERT INTO export_files (key, tenant, day, state, events, bytes, first_receivedat, last_receivedat, created_at,
         committed_at, etag, type_counts)
       SELECT ?1, ?2, ?3, 'committed', ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10
       WHERE EXISTS (SELECT 1 FROM destinations WHERE tenant = ?2)
       ON CONFLICT (key) DO NOTHING`,
    )
    .bind(
      file.key,
      tenant,
      dayOfStoredKey(file.key),
      facts.events,
      facts.bytes,
      facts.firstReceivedAt,
      facts.lastReceivedAt,
      facts.committedAt,
      facts.etag,
      JSON.stringify(facts.typeCounts),
    )
    .run();
  storage.usage.record(result);
  if (result.meta.changes > 0) await scheduleDeliveries(storage, { tenant, key: file.key });
}
