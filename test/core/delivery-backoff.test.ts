/**
 * The delivery queue's retry delays: doubling from the first, capped, so an outage of hours is retried hourly.
 * @module
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY } from "../../src/core/foundation/config.js";
import { deliveryRetryDelaySeconds } from "../../src/delivery/delivery-backoff.js";

describe("delivery retry delays", () => {
  it("double from 30 seconds and stop growing at an hour", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50, 100].map((attempt) =>
      deliveryRetryDelaySeconds(attempt, DEFAULT_DELIVERY),
    );
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it("with 100 retries keep trying for more than three days", () => {
    let seconds = 0;
    for (let attempt = 1; attempt <= 100; attempt++) seconds += deliveryRetryDelaySeconds(attempt, DEFAULT_DELIVERY);
    expect(seconds).toBeGreaterThan(3 * 24 * 3600);
  });
});
