/**
 * Routes a queue batch to its consumer: the events queue and each of its partitions export, their dead-letter
 * queue keeps its messages, the delivery queue pushes files to tenants' storage and its dead-letter queue marks
 * deliveries failed, the erasures queue runs privacy erasures. A batch of any other queue (a consumer entry in
 * wrangler.toml whose queue is not named `audiogum-events[-k]`, e.g. a partition bound under another name) is
 * exported too, with a warning: the export routes every event to its shard itself, so this is exact, and retrying
 * it instead would end in the entry's dead-letter queue, or with none, in losing events the edge accepted.
 * @module
 */
import { partitionOfQueue } from "../core/exports/queue-partitions.js";
import { logWarn } from "../core/foundation/log.js";
import { deliverFiles } from "../delivery/deliver-files.js";
import { failDeliveries } from "../delivery/fail-deliveries.js";
import { runErasures } from "./erase-user.js";
import { exportEvents } from "./export-events.js";
import { keepDeadLetters } from "./keep-dead-letters.js";

/** As named in wrangler.toml: `dead_letter_queue` of the events consumers, every partition's. */
export const DEAD_LETTER_QUEUE = "audiogum-events-dlq";
/** As named in wrangler.toml: the delivery queue and its `dead_letter_queue`. */
export const DELIVERY_QUEUE = "audiogum-deliveries";
export const DELIVERY_DEAD_LETTER_QUEUE = "audiogum-deliveries-dlq";
/** As named in wrangler.toml: the privacy erasures' queue. */
export const ERASURE_QUEUE = "audiogum-erasures";

export function handleQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return keepDeadLetters(batch, { bucket: env.EXPORTS, db: env.DB });
  if (batch.queue === DELIVERY_QUEUE) return deliverFiles(batch, env);
  if (batch.queue === DELIVERY_DEAD_LETTER_QUEUE) return failDeliveries(batch, env.DB);
  if (batch.queue === ERASURE_QUEUE) return runErasures(batch, env);
  // Every events queue partition (audiogum-events, audiogum-events-k: EVENT_QUEUES) exports the same way: the
  // export routes each event to its ledger shard itself, so which partition carried an event changes only how
  // many shards a batch meets, never where the event is claimed.
  if (partitionOfQueue(batch.queue) === undefined) {
    logWarn("batch_error", { queue: batch.queue, step: "unknown_queue", messages: batch.messages.length });
  }
  return exportEvents(batch, env);
}
