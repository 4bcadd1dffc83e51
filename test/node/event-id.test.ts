import { describe, expect, it } from "vitest";
import { eventIdFor } from "../../src/core/events/event-id.js";

describe("the pure core in Node", () => {
  it("derives the same event id in Node as in workerd (a v5 UUID)", async () => {
    const id = await eventIdFor({
      tenant: "acme",
      userid: "u",
      deviceid: undefined,
      sessionid: "AB",
      sequencenumber: 1,
    });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(
      await eventIdFor({ tenant: "acme", userid: "u", deviceid: undefined, sessionid: "ab", sequencenumber: 1 }),
    ).toBe(id);
  });
});
