/**
 * How long to wait before resending: exponential backoff with jitter, never shorter than the server's
 * `Retry-After` (seconds or an HTTP date), which is itself capped so a device does not go quiet for a month.
 * @module
 */

export interface RetryPolicy {
  /** The first backoff (ms); it doubles with each failure in a row. Default 1,000. */
  initialDelayMs: number;
  /** The longest backoff (ms). Default 300,000 (5 minutes). */
  maxDelayMs: number;
  /** The longest `Retry-After` honoured as given (ms). Default 3,600,000 (an hour). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 300_000,
  maxRetryAfterMs: 3_600_000,
};

/**
 * The wait before attempt `failures + 1`: half of the exponential step fixed and half random ("equal jitter"),
 * so a fleet that failed together spreads out but no device retries at once.
 */
export function retryDelay(
  failures: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number,
): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1));
  const backoff = step / 2 + random() * (step / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return Math.round(Math.max(backoff, floor));
}

/** A `Retry-After` header as milliseconds from `now`, or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
