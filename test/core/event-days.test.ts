/**
 * The event time axis of a file's rollups: each event's day by when it happened, at most MAX_EVENT_DAYS_PER_FILE
 * days per file (its received days first, then its busiest earlier days), the rest on the day received; on-time
 * events in the received rows, late ones in a received_late and an event_late row.
 * @module
 */
import { describe, expect, it } from "vitest";
import { insightFactsOf } from "../../src/core/insights/insight-dimensions.js";
import {
  eventDays,
  MAX_EVENT_DAYS_PER_FILE,
  type RollupIncrements,
  rollUpEvents,
} from "../../src/core/insights/insight-rollup.js";

const RECEIVED = "2026-03-10T00:00:05.000Z";

function event(eventtime: string | undefined, receivedat = RECEIVED) {
  return { type: "playevent", receivedat, ...(eventtime === undefined ? {} : { eventtime }) };
}

/** `count` events that happened on `day` at noon. */
const on = (day: string, count: number, receivedat = RECEIVED) =>
  Array.from({ length: count }, () => event(`${day}T12:00:00.000Z`, receivedat));

const daysOf = (events: readonly Record<string, unknown>[]) => eventDays(events.map(insightFactsOf));

describe("an event's day on the event axis", () => {
  it("is the day it happened, while the file has no more than the bound of days", () => {
    const events = [...on("2026-03-07", 2), ...on("2026-03-09", 1), event(RECEIVED)];
    expect(daysOf(events)).toEqual(["2026-03-07", "2026-03-07", "2026-03-09", "2026-03-10"]);
  });

  it("is the received day for events queued before eventtime existed", () => {
    expect(daysOf([event(undefined)])).toEqual(["2026-03-10"]);
  });

  it(`keeps the received days and the busiest earlier days up to ${MAX_EVENT_DAYS_PER_FILE}, the later on a tie; the rest count on their received day`, () => {
    const events = [
      ...on("2026-03-01", 3),
      ...on("2026-03-02", 1),
      ...on("2026-03-03", 3),
      ...on("2026-03-04", 2),
      ...on("2026-03-05", 3),
      event(RECEIVED),
    ];
    const days = daysOf(events);
    expect(new Set(days)).toEqual(new Set(["2026-03-10", "2026-03-05", "2026-03-03", "2026-03-01"]));
    // 03-02 and 03-04 are left over: on the day received.
    expect(days.slice(3, 4)).toEqual(["2026-03-10"]);
    expect(days.slice(7, 9)).toEqual(["2026-03-10", "2026-03-10"]);
  });

  it("keeps both received days of a file written across midnight, whatever its earlier days", () => {
    const events = [
      ...on("2026-03-01", 5, "2026-03-09T23:59:59.900Z"),
      ...on("2026-03-02", 5),
      ...on("2026-03-03", 5),
      ...on("2026-03-04", 5),
      event("2026-03-09T23:59:59.900Z", "2026-03-09T23:59:59.900Z"),
      event(RECEIVED),
    ];
    const days = new Set(daysOf(events));
    expect(days.size).toBe(MAX_EVENT_DAYS_PER_FILE);
    expect(days).toContain("2026-03-09");
    expect(days).toContain("2026-03-10");
  });

  it("adds on-time events to the received minute and day once, and each late event to the received_late minute and day and an event_late day", () => {
    const events = [...on("2026-03-01", 1), ...on("2026-03-02", 1), ...on("2026-03-03", 1), ...on("2026-03-04", 1)];
    const rollups = rollUpEvents([...events, event(RECEIVED)], new Date(RECEIVED));
    const bucketsOf = (increments: RollupIncrements) =>
      new Set(increments.counts.map((row) => `${row.grain} ${row.bucket}`));
    expect(bucketsOf(rollups.received)).toEqual(new Set(["minute 2026-03-10T00:00", "day 2026-03-10"]));
    expect(bucketsOf(rollups.received_late)).toEqual(new Set(["minute 2026-03-10T00:00", "day 2026-03-10"]));
    // Four earlier days, three kept: 03-01 is left over and counts as on time (in the received day row).
    expect(bucketsOf(rollups.event_late)).toEqual(new Set(["day 2026-03-02", "day 2026-03-03", "day 2026-03-04"]));
    const typeCount = (increments: RollupIncrements, bucket: string) =>
      increments.counts.find((row) => row.bucket === bucket && row.dimension === "type")?.count;
    expect(typeCount(rollups.received, "2026-03-10")).toBe(2);
    // A day's minutes add up to the day on each received axis: the realtime view reads both.
    expect(typeCount(rollups.received, "2026-03-10T00:00")).toBe(2);
    expect(typeCount(rollups.received_late, "2026-03-10")).toBe(3);
    expect(typeCount(rollups.received_late, "2026-03-10T00:00")).toBe(3);
  });

  it("writes nothing but the received rows for a file whose events all happened on the day received", () => {
    const rollups = rollUpEvents([event(RECEIVED), event("2026-03-10T00:00:01.000Z")], new Date(RECEIVED));
    expect(rollups.received_late).toEqual({ counts: [], sketches: [] });
    expect(rollups.event_late).toEqual({ counts: [], sketches: [] });
  });
});
