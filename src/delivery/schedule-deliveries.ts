/**
 * The consumer's hook after an export file commits: a pending row per destination of the tenant, then one
 * delivery message per row. Never throws: the file is committed whatever happens here, and the cron
 * (sweep-deliveries.ts) writes the rows or sends the messages this misses.
 * @module
 */
import { describeCause, logWarn } from "../core/foundation/log.js";
import { insertPendingDeliveries } from "./delivery-ledger.js";
import { enqueueDeliveries } from "./delivery-message.js";

export interface DeliveryScheduling {
  db: D1Database;
  deliveries: Queue;
}

export async function scheduleDeliveries(
  storage: DeliveryScheduling,
  file: { tenant: string; key: string },
): Promise<void> {
  try {
    const tasks = await insertPendingDeliveries(storage.db, file.tenant, file.key, Date.now());
    await enqueueDeliveries(storage.deliveries, tasks);
  } catch (error) {
    logWarn("delivery_error", { tenant: file.tenant, file: file.key, step: "schedule", ...describeCause(error) });
  }
}
