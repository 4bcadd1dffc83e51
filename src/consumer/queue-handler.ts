/**
 * Routes a queue batch to its consumer: the dead-letter queue keeps its messages, the events queue exports, the
 * delivery queue pushes files to tenants' storage and its dead-letter queue marks deliveries failed, the erasures
 * queue runs privacy erasures.
 * @module
 */
import { deliverFiles } from "../delivery/deliver-files.js";
import { failDeliveries } from "../delivery/fail-deliveries.js";
import { runErasures } from "./erase-user.js";
import { exportEvents } from "./export-events.js";
import { keepDeadLetters } from "./keep-dead-letters.js";

/** As named in wrangler.toml: `dead_letter_queue` of the events consumer. */
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
  return exportEvents(batch, env);
}
