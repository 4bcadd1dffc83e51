/**
 * How long a queue message waits before its next delivery: doubling with each attempt, so a short outage costs
 * seconds and a long one does not burn the message's retries in minutes.
 * @module
 */

const FIRST_DELAY_SECONDS = 10;
const MAX_DELAY_SECONDS = 15 * 60;

/** `attempts` is Message.attempts: 1 on the first delivery. */
export function retryDelaySeconds(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 16));
  return Math.min(FIRST_DELAY_SECONDS * 2 ** exponent, MAX_DELAY_SECONDS);
}
