/**
 * Where a file lands at a destination: the Omny folder and file convention under the destination's prefix.
 * @module
 */
import { describe, expect, it } from "vitest";
import { destinationObjectKey } from "../../src/delivery/object-key.js";

const FILE = "acme/2019/2019-03/2019-03-18/2019-03-18T0052_005201.941_81b9bcac-f6b0-4bd8-b191-4af7b89a985c.jsonl.gz";
const RELATIVE = "2019/2019-03/2019-03-18/2019-03-18T0052_005201.941_81b9bcac-f6b0-4bd8-b191-4af7b89a985c.jsonl.gz";

describe("the destination key of an export file", () => {
  it("drops the tenant folder and keeps the rest of the key", () => {
    expect(destinationObjectKey(FILE, "acme", "")).toBe(RELATIVE);
  });

  it("goes under the prefix, with or without its trailing slash", () => {
    expect(destinationObjectKey(FILE, "acme", "analytics/audiogum")).toBe(`analytics/audiogum/${RELATIVE}`);
    expect(destinationObjectKey(FILE, "acme", "analytics/audiogum/")).toBe(`analytics/audiogum/${RELATIVE}`);
  });

  it("refuses a key of another tenant", () => {
    expect(() => destinationObjectKey(FILE, "acme-2", "")).toThrow(/not under acme-2\//);
  });
});
