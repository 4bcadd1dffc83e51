/**
 * Settles a queue message explicitly, never by the batch's default: ack it, or retry it after a delay that
 * grows with its attempts (after max_retries the queue moves it to the dead-letter queue).
 * @module
 */
import { EXPORT_RETRY_BACKOFF, retryDelaySeconds } from "../core/foundation/retry-backoff.js";

export type Settlement = "ack" | "retry";

export function settleMessage(message: Message<unknown>, settlement: Settlement): void {
  if (settlement === "ack") message.ack();
  else message.retry({ delaySeconds: retryDelaySeconds(message.attempts, EXPORT_RETRY_BACKOFF) });
}
