/**
 * The consumer of the dead-letter queue: every message is kept in R2 (dead-letter.ts) and acked; if R2 fails
 * it is retried, so a dead letter is only ever gone once it is stored.
 * @module
 */
import { logError } from "../core/foundation/log.js";
import { keepDeadLetter } from "./dead-letter.js";
import { settleMessage } from "./settle.js";

export async function keepDeadLetters(batch: MessageBatch<unknown>, bucket: R2Bucket): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await keepDeadLetter(bucket, { message, queue: batch.queue, reason: "retries_exhausted" });
        settleMessage(message, "ack");
      } catch (error) {
        logError("batch_error", { queue: batch.queue, step: "deadletter", message_id: message.id }, error);
        settleMessage(message, "retry");
      }
    }),
  );
}
