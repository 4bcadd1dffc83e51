/**
 * The consumer of the delivery dead-letter queue: the queue gave up on these deliveries, so their rows become
 * 'failed' (keeping the last error) until an operator runs `npm run redeliver`. Acked once recorded.
 * @module
 */
import { logError, logWarn } from "../core/foundation/log.js";
import { markFailed } from "./delivery-ledger.js";
import { taskOrAck } from "./delivery-message.js";

export async function failDeliveries(batch: MessageBatch<unknown>, db: D1Database): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const task = taskOrAck(message, batch.queue, "delivery_failed");
      if (!task) return;
      try {
        await markFailed(db, task, Date.now());
        logWarn("delivery_failed", { file: task.file, destination_id: task.destination });
        message.ack();
      } catch (error) {
        logError("delivery_failed", { file: task.file, destination_id: task.destination, step: "record" }, error);
        message.retry();
      }
    }),
  );
}
