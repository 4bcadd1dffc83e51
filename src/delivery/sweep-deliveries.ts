/**
 * The cron's part of delivery: what the commit hook missed is found here, so no committed file is ever left
 * undelivered. (1) Files committed in the last days with no row for a destination that existed at commit get
 * one and a message. (2) Pending rows that no attempt touched for longer than the longest retry delay have lost
 * their message (a failed send after the row was written): they get a new one. A second message for a row
 * that is in fact still queued is harmless: the first to finish marks it delivered and the other then acks
 * without uploading, or both PUT the same bytes to the same key.
 * @module
 */
import { readConfig } from "../core/foundation/config.js";
import { logError, logInfo } from "../core/foundation/log.js";
import { claimStalePendingDeliveries, insertMissedDeliveries } from "./delivery-ledger.js";
import { enqueueDeliveries } from "./delivery-message.js";

const MINUTE_MS = 60_000;
/** Files committed this recently are the hook's to schedule; the cron leaves them alone. */
const HOOK_GRACE_MS = 5 * MINUTE_MS;
/** How far back the cron looks for files without rows: far more than any gap between two cron runs. */
const LOOKBACK_MS = 3 * 24 * 60 * MINUTE_MS;
const ROWS_PER_RUN = 1000;

export type SweepDeliveriesBindings = Pick<Env, "DB" | "DELIVERIES"> & Parameters<typeof readConfig>[0];

export async function sweepDeliveries(env: SweepDeliveriesBindings, now: number): Promise<void> {
  // A pending row is stale once it has gone twice the longest retry delay without an attempt.
  const staleMs = 2 * readConfig(env).delivery.retry.maxSeconds * 1000;
  let missed = 0;
  let stale = 0;
  try {
    const missedTasks = await insertMissedDeliveries(env.DB, now - LOOKBACK_MS, now - HOOK_GRACE_MS, now, ROWS_PER_RUN);
    missed = missedTasks.length;
    await enqueueDeliveries(env.DELIVERIES, missedTasks);
    const staleTasks = await claimStalePendingDeliveries(env.DB, now - staleMs, now, ROWS_PER_RUN);
    stale = staleTasks.length;
    await enqueueDeliveries(env.DELIVERIES, staleTasks);
  } catch (error) {
    logError("delivery_sweep", { missed, stale }, error);
    return;
  }
  logInfo("delivery_sweep", { missed, stale });
}
