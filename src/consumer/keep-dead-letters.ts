/**
 * The consumer of the dead-letter queue: every message is kept in R2 (dead-letter.ts) and acked. If R2 fails,
 * the same object is held in D1 (held-dead-letters.ts) and acked: the cron writes it to R2 once R2 answers, so
 * an R2 outage of any length loses nothing while D1 holds. Only when both fail is the message retried, with
 * delays that grow to hours so the queue's retention (14 days when created as OPERATIONS.md says), not its
 * retry count, bounds how long the two stores may both be down.
 * @module
 */
import { logError } from "../core/foundation/log.js";
import { DEAD_LETTER_RETRY_BACKOFF, retryDelaySeconds } from "../core/foundation/retry-backoff.js";
import { deadLetterObject, logDeadLetter, storeDeadLetterObject, type DeadLetter } from "./dead-letter.js";
import { holdDeadLetter } from "./held-dead-letters.js";

export interface DeadLetterStores {
  bucket: R2Bucket;
  db: D1Database;
}

export async function keepDeadLetters(batch: MessageBatch<unknown>, stores: DeadLetterStores): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const deadLetter: DeadLetter = { message, queue: batch.queue, reason: "retries_exhausted" };
      const stored = await storeOrHold(deadLetter, stores);
      if (stored) message.ack();
      else message.retry({ delaySeconds: retryDelaySeconds(message.attempts, DEAD_LETTER_RETRY_BACKOFF) });
    }),
  );
}

async function storeOrHold(deadLetter: DeadLetter, stores: DeadLetterStores): Promise<boolean> {
  const object = deadLetterObject(deadLetter);
  const fields = { queue: deadLetter.queue, message_id: deadLetter.message.id, key: object.key };
  try {
    await storeDeadLetterObject(stores.bucket, object);
    logDeadLetter(object, deadLetter.message.id);
    return true;
  } catch (error) {
    logError("deadletter_r2_failed", fields, error);
  }
  try {
    await holdDeadLetter(stores.db, object, new Date());
    // Alert-worthy: R2 is refusing writes; the cron's `deadletter_backlog` line says when it has caught up.
    logError("deadletter_held", { ...fields, attempts: deadLetter.message.attempts });
    return true;
  } catch (error) {
    logError("deadletter_unstored", { ...fields, attempts: deadLetter.message.attempts }, error);
    return false;
  }
}
