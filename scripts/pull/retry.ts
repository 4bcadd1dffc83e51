/**
 * Retries what fails for a passing reason (the network, a 429 or 5xx, a download cut short) with a doubling
 * delay, honouring Retry-After; anything else fails at once. One place, so listing and downloads agree.
 * @module
 */

export class TransientError extends Error {
  /** Seconds the server asked us to wait (Retry-After), if it did. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = "TransientError";
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** HTTP statuses worth another try: timeouts, too many requests, and the server's passing failures. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

export async function withRetries<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: Error, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const transient = asTransient(error);
      if (!transient || attempt >= policy.attempts) throw error;
      const backoff = Math.min(policy.firstDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      const asked = transient.retryAfterSeconds === undefined ? 0 : transient.retryAfterSeconds * 1000;
      const delayMs = Math.min(Math.max(backoff, asked), policy.maxDelayMs);
      onRetry(transient, attempt, delayMs);
      await policy.sleep(delayMs);
    }
  }
}

// fetch rejects with a TypeError when the connection fails, and with a TimeoutError when its signal fires.
function asTransient(error: unknown): TransientError | undefined {
  if (error instanceof TransientError) return error;
  if (error instanceof TypeError || (error instanceof Error && error.name === "TimeoutError")) {
    return new TransientError(error.message, { cause: error });
  }
  return undefined;
}
