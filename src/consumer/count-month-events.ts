/**
 * Counts each tenant's exported events per UTC month, for its monthly quota (src/core/tenants/monthly-quota.ts):
 * after each consumer batch, one upsert per tenant into tenant_month_events (migration 0013), so counting costs a
 * row written per tenant per batch, never one per event, and no store lies on every event's path. Only events
 * in files the batch committed count, so a re-sent or redelivered event, dropped as a duplicate, never counts
 * twice. A failed upsert is logged (month_events_error) and not retried: the batch is exported, and a quota
 * is a guard, not a bill; the month then counts short by that batch's events.
 * @module
 */
import { logError } from "../core/foundation/log.js";
import { utcMonth } from "../core/tenants/monthly-quota.js";
import type { D1Usage } from "./d1-usage.js";
import type { GroupOutcome } from "./export-tenant-group.js";

/** The events each tenant's committed files of the batch hold. */
export function exportedPerTenant(outcomes: readonly { tenant: string; outcome: GroupOutcome }[]): Map<string, number> {
  const exported = new Map<string, number>();
  for (const { tenant, outcome } of outcomes) {
    if (outcome.settle !== "ack" || outcome.filesWritten === 0) continue;
    const events = outcome.eventsIn - outcome.duplicatesDropped;
    exported.set(tenant, (exported.get(tenant) ?? 0) + events);
  }
  return exported;
}

export async function countMonthEvents(
  db: D1Database,
  exported: ReadonlyMap<string, number>,
  now: Date,
  usage: D1Usage,
): Promise<void> {
  if (exported.size === 0) return;
  const month = utcMonth(now);
  const upsert = db.prepare(
    `INSERT INTO tenant_month_events (tenant, month, events, updated_at) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (tenant, month) DO UPDATE SET events = events + excluded.events, updated_at = excluded.updated_at`,
  );
  try {
    const statements = [...exported].map(([tenant, events]) => upsert.bind(tenant, month, events, now.getTime()));
    usage.record(await db.batch(statements));
  } catch (error) {
    const events = [...exported.values()].reduce((total, count) => total + count, 0);
    logError("month_events_error", { month, tenants: exported.size, events }, error);
  }
}
