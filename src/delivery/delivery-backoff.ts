/**
 * How long a failed delivery waits before its next attempt: doubling from the first delay up to the cap, so a
 * blip costs seconds and a customer's day-long outage costs one attempt an hour, not the message's retries.
 * @module
 */
import type { DeliveryConfig } from "../core/foundation/config.js";

/** `attempts` is Message.attempts: 1 on the first delivery. */
export function deliveryRetryDelaySeconds(
  attempts: number,
  config: Pick<DeliveryConfig, "retryFirstSeconds" | "retryMaxSeconds">,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 20));
  return Math.min(config.retryFirstSeconds * 2 ** exponent, config.retryMaxSeconds);
}
