/**
 * The one place the export consumer counts per tenant per batch: after each batch, one D1 batch holding, per
 * tenant, an upsert of its UTC day's usage (tenant_day_usage, migration 0015, for the operator's usage report:
 * src/core/usage/tenant-usage.ts). The monthly quota (src/core/tenants/monthly-quota.ts) reads the month's
 * exported events as the sum of those day rows, so counting costs one row written per tenant per batch, never
 * one per event or per request, and no store lies on every event's path.
 *
 * What counts: a message's events as accepted (and its queue operations, and the edge's usage of the request it
 * carries: requests, bytes, rejected and suppressed events) once the message is acked, so a redelivered message
 * counts once; events as exported, and duplicates as dropped, from the outcomes of the shard
 * groups that were acked, so a re-sent or redelivered event, dropped as a duplicate, is never exported twice.
 * The day is the batch's (UTC), as the export files' folders are. A failed upsert is logged
 * (tenant_usage_error) and not retried: the batch is exported, and a quota and a usage report are guards and
 * estimates, not a bill; the counts then fall short by that batch.
 * @module
 */
import { logError } from "../core/foundation/log.js";
import { utcDay } from "../core/exports/export-key.js";
import { utf8ByteLength } from "../core/foundation/utf8.js";
import type { RequestUsage } from "../core/usage/request-usage.js";
import { UsageTally } from "../core/usage/tenant-usage.js";
import { queueOperationsOf } from "../core/usage/usage-cost.js";
import type { D1Usage } from "./d1-usage.js";
import type { GroupOutcome } from "./export-tenant-group.js";
import { addDayUsageStatement } from "./tenant-usage-store.js";

/** A message of the batch the consumer acked: its tenant, its events, its body as queued and the edge's usage. */
export interface AckedMessage {
  tenant: string;
  events: number;
  body: unknown;
  /** The sending request's usage (requests, bytes, rejected, …), on the first message of a request. */
  usage: RequestUsage | undefined;
}

/** The batch's counts per tenant: acked messages, and the acked shard groups' exports. */
export function tallyBatch(
  acked: readonly AckedMessage[],
  outcomes: readonly { tenant: string; outcome: GroupOutcome }[],
): UsageTally {
  const tally = new UsageTally();
  for (const message of acked) {
    const bytes = typeof message.body === "string" ? utf8ByteLength(message.body) : 0;
    tally.add(message.tenant, { events_accepted: message.events, queue_operations: queueOperationsOf(bytes) });
    if (message.usage) tally.add(message.tenant, message.usage);
  }
  for (const { tenant, outcome } of outcomes) {
    if (outcome.settle !== "ack") continue;
    tally.add(tenant, {
      duplicates_dropped: outcome.duplicatesDropped,
      events_exported: outcome.filesWritten === 0 ? 0 : outcome.eventsIn - outcome.duplicatesDropped,
      files_exported: outcome.filesWritten,
      bytes_exported: outcome.bytesWritten,
    });
  }
  return tally;
}

export async function countTenantUsage(db: D1Database, tally: UsageTally, now: Date, usage: D1Usage): Promise<void> {
  const tenants = tally.entries();
  if (tenants.length === 0) return;
  const day = utcDay(now);
  try {
    const statements = tenants.map(([tenant, counts]) => addDayUsageStatement(db, tenant, day, counts, now.getTime()));
    usage.record(await db.batch(statements));
  } catch (error) {
    const events = tenants.reduce((total, [, counts]) => total + counts.events_exported, 0);
    logError("tenant_usage_error", { step: "export", day, tenants: tenants.length, events }, error);
  }
}
