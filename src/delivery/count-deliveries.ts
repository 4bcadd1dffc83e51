/**
 * Counts each delivery batch's delivered files and bytes into the tenants' days of usage (tenant_day_usage,
 * core/usage/tenant-usage.ts): one upsert per tenant per delivery batch, never one per file, after the batch's
 * messages are settled. A file an erasure emptied and deleted at the destination is not a delivery. A failed
 * upsert is logged (tenant_usage_error) and not retried: the files are delivered, the usage report falls short.
 * @module
 */
import { utcDay } from "../core/exports/export-key.js";
import { logError } from "../core/foundation/log.js";
import { UsageTally } from "../core/usage/tenant-usage.js";
import { addDayUsageStatement } from "../consumer/tenant-usage-store.js";

export interface DeliveredFile {
  tenant: string;
  bytes: number;
}

export async function countDeliveries(db: D1Database, delivered: readonly DeliveredFile[], now: Date): Promise<void> {
  if (delivered.length === 0) return;
  const tally = new UsageTally();
  for (const file of delivered) tally.add(file.tenant, { files_delivered: 1, bytes_delivered: file.bytes });
  const day = utcDay(now);
  const tenants = tally.entries();
  try {
    await db.batch(tenants.map(([tenant, counts]) => addDayUsageStatement(db, tenant, day, counts, now.getTime())));
  } catch (error) {
    logError("tenant_usage_error", { step: "delivery", day, tenants: tenants.length, files: delivered.length }, error);
  }
}
