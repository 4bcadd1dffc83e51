// Routes a queue batch to its consumer: the dead-letter queue keeps its messages, the events queue exports.
import { exportEvents, type ExportBindings } from "./export-events.js";
import { keepDeadLetters } from "./keep-dead-letters.js";

/** As named in wrangler.toml: `dead_letter_queue` of the events consumer. */
export const DEAD_LETTER_QUEUE = "audiogum-events-dlq";

export function handleQueueBatch(batch: MessageBatch<unknown>, env: ExportBindings): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return keepDeadLetters(batch, env.EXPORTS);
  return exportEvents(batch, env);
}
