import { describe, expect, it } from "vitest";
import { groupByTenant, type QueuedEvent } from "../../src/core/exports/tenant-groups.js";

function event(eventid: string, receivedat: string, extra: Record<string, unknown> = {}): QueuedEvent {
  return { eventid, receivedat, type: "appstartevent", ...extra };
}

describe("groupByTenant", () => {
  it("makes one group per tenant with that tenant's messages", () => {
    const groups = groupByTenant([
      { message: "m1", tenant: "a", events: [event("1", "2026-01-01T00:00:00.000Z")] },
      { message: "m2", tenant: "b", events: [event("2", "2026-01-01T00:00:00.000Z")] },
      { message: "m3", tenant: "a", events: [event("3", "2026-01-01T00:00:00.000Z")] },
    ]);
    expect(groups.map((group) => [group.tenant, group.messages])).toEqual([
      ["a", ["m1", "m3"]],
      ["b", ["m2"]],
    ]);
  });

  it("orders events by receivedat, keeping batch order for equal times", () => {
    const [group] = groupByTenant([
      {
        message: 1,
        tenant: "a",
        events: [event("late", "2026-01-01T00:00:02.000Z"), event("x", "2026-01-01T00:00:01.000Z")],
      },
      {
        message: 2,
        tenant: "a",
        events: [event("y", "2026-01-01T00:00:01.000Z"), event("early", "2026-01-01T00:00:00.500Z")],
      },
    ]);
    expect(group!.events.map((queued) => queued.eventid)).toEqual(["early", "x", "y", "late"]);
  });

  it("keeps only the earliest received copy of an eventid and counts the rest", () => {
    const [group] = groupByTenant([
      { message: 1, tenant: "a", events: [event("same", "2026-01-01T00:00:05.000Z", { copy: "second" })] },
      {
        message: 2,
        tenant: "a",
        events: [
          event("same", "2026-01-01T00:00:01.000Z", { copy: "first" }),
          event("other", "2026-01-01T00:00:03.000Z"),
        ],
      },
    ]);
    expect(group!.events).toEqual([
      event("same", "2026-01-01T00:00:01.000Z", { copy: "first" }),
      event("other", "2026-01-01T00:00:03.000Z"),
    ]);
    expect(group!.duplicatesInBatch).toBe(1);
  });
});
