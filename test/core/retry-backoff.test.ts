/**
 * The queues' retry delays: doubling from the first, capped, so a long outage is retried at the cap's pace.
 * @module
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY } from "../../src/core/foundation/config.js";
import { EXPORT_RETRY_BACKOFF, retryDelaySeconds } from "../../src/core/foundation/retry-backoff.js";

describe("export retry delays", () => {
  const exportDelay = (attempts: number) => retryDelaySeconds(attempts, EXPORT_RETRY_BACKOFF);

  it("double with each attempt", () => {
    expect([1, 2, 3, 4].map(exportDelay)).toEqual([10, 20, 40, 80]);
  });

  it("never wait more than 15 minutes", () => {
    expect(exportDelay(10)).toBe(900);
    expect(exportDelay(1000)).toBe(900);
  });
});

describe("delivery retry delays", () => {
  const deliveryDelay = (attempts: number) => retryDelaySeconds(attempts, DEFAULT_DELIVERY.retry);

  it("double from 30 seconds and stop growing at an hour", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50, 100].map(deliveryDelay);
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it("with 100 retries keep trying for more than three days", () => {
    let seconds = 0;
    for (let attempt = 1; attempt <= 100; attempt++) seconds += deliveryDelay(attempt);
    expect(seconds).toBeGreaterThan(3 * 24 * 3600);
  });
});
