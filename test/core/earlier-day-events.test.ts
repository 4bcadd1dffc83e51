import { describe, expect, it } from "vitest";
import { countEarlierDayEvents } from "../../src/core/exports/earlier-day-events.js";

describe("events of a file that happened on earlier days", () => {
  it("counts the events whose eventtime is on a UTC day before the file's day", () => {
    const receivedat = "2026-11-26T00:00:05.000Z";
    const events = [
      { receivedat, eventtime: "2026-11-25T23:59:59.999Z" },
      { receivedat, eventtime: "2026-11-26T00:00:00.000Z" },
      { receivedat, eventtime: "2026-10-28T12:00:00.000Z" },
    ];
    expect(countEarlierDayEvents(events, "2026-11-26")).toBe(2);
    // Written the next day (a late batch), every one of them happened earlier.
    expect(countEarlierDayEvents(events, "2026-11-27")).toBe(3);
  });

  it("counts an event queued before event times existed by its receivedat", () => {
    expect(countEarlierDayEvents([{ receivedat: "2026-11-25T23:59:59.000Z" }], "2026-11-26")).toBe(1);
    expect(countEarlierDayEvents([{ receivedat: "2026-11-26T00:00:01.000Z" }], "2026-11-26")).toBe(0);
  });
});
