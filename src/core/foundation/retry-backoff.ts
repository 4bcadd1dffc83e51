/**
 * How long a queue message waits before its next delivery: doubling with each attempt from a first delay up to a
 * cap, so a short outage costs seconds and a long one does not burn the message's retries in minutes. The events
 * queue uses EXPORT_RETRY_BACKOFF, its dead-letter queue DEAD_LETTER_RETRY_BACKOFF, the delivery queue its
 * configured DELIVERY_RETRY_* values (config.ts).
 * @module
 */

export interface Backoff {
  /** The delay after the first delivery fails. */
  firstSeconds: number;
  /** No delay is longer. */
  maxSeconds: number;
}

/** The events queue: 10 s, 20 s, 40 s … up to 15 minutes. */
export const EXPORT_RETRY_BACKOFF: Backoff = { firstSeconds: 10, maxSeconds: 15 * 60 };

/** The dead-letter queue, when neither R2 nor D1 takes a message: 1 minute doubling to Cloudflare Queues' longest
 * retry delay, 12 hours, so the queue's retention, not its retry count, bounds how long both may be down. */
export const DEAD_LETTER_RETRY_BACKOFF: Backoff = { firstSeconds: 60, maxSeconds: 12 * 60 * 60 };

/** `attempts` is Message.attempts: 1 on the first delivery. */
export function retryDelaySeconds(attempts: number, backoff: Backoff): number {
  // Past 2^30 every delay is the cap anyway; bounding the exponent keeps the product finite.
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(backoff.firstSeconds * 2 ** exponent, backoff.maxSeconds);
}
