import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../src/core/foundation/retry-backoff.js";

describe("retryDelaySeconds", () => {
  it("doubles with each attempt", () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([10, 20, 40, 80]);
  });

  it("never waits more than 15 minutes", () => {
    expect(retryDelaySeconds(10)).toBe(900);
    expect(retryDelaySeconds(1000)).toBe(900);
  });
});
