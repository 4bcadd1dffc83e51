import { describe, expect, it } from "vitest";
import { eventTimeOf, instantOf, requestClock, utcIsoString } from "../../src/core/events/event-time.js";

const RECEIVED = new Date("2026-11-26T12:00:00.000Z");
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function clock(sentat?: string, windowDays = 30) {
  return requestClock(RECEIVED, sentat, windowDays);
}

describe("a device time as an instant", () => {
  it.each([
    ["Z", "2016-07-26T07:45:55.721Z"],
    ["lower-case z and t", "2016-07-26t07:45:55.721z"],
    ["+hh:mm", "2016-07-26T08:45:55.721+01:00"],
    ["+hhmm", "2016-07-26T08:45:55.721+0100"],
    ["+hh", "2016-07-26T08:45:55.721+01"],
    ["-hh:mm with minutes", "2016-07-26T02:15:55.721-05:30"],
    ["-hhmm with minutes", "2016-07-26T02:15:55.721-0530"],
    ["+14:00, the furthest east", "2016-07-26T21:45:55.721+14:00"],
    ["microseconds, cut to milliseconds", "2016-07-26T08:45:55.721118+01:00"],
    ["nanoseconds, cut to milliseconds", "2016-07-26T08:45:55.721999999+01:00"],
  ])("reads the offset form %s", (_, text) => {
    expect(instantOf(text)).toBe(Date.parse("2016-07-26T07:45:55.721Z"));
  });

  it("reads a fraction shorter than milliseconds as milliseconds", () => {
    expect(instantOf("2016-07-26T07:45:55.7Z")).toBe(Date.parse("2016-07-26T07:45:55.700Z"));
    expect(instantOf("2016-07-26T07:45:55.72Z")).toBe(Date.parse("2016-07-26T07:45:55.720Z"));
    expect(instantOf("2016-07-26T07:45:55Z")).toBe(Date.parse("2016-07-26T07:45:55.000Z"));
  });

  it("gets the spring-forward gap right: London's last second of GMT and first of BST are one second apart", () => {
    const lastGmt = instantOf("2016-03-27T00:59:59+00:00")!;
    const firstBst = instantOf("2016-03-27T02:00:00+01:00")!;
    expect(firstBst - lastGmt).toBe(1000);
  });

  it("tells apart the two 01:30s of the autumn fall-back by their offsets", () => {
    const bst = instantOf("2016-10-30T01:30:00+01:00")!;
    const gmt = instantOf("2016-10-30T01:30:00+00:00")!;
    expect(gmt - bst).toBe(HOUR_MS);
    expect(new Date(bst).toISOString()).toBe("2016-10-30T00:30:00.000Z");
  });

  it("crosses into the previous UTC day and year when the offset says so", () => {
    expect(new Date(instantOf("2017-01-01T00:30:00+01:00")!).toISOString()).toBe("2016-12-31T23:30:00.000Z");
    expect(new Date(instantOf("2016-12-31T20:00:00-05:00")!).toISOString()).toBe("2017-01-01T01:00:00.000Z");
  });

  it("knows the leap days, including 2000 and year 0000, and the years 0000-0099 as themselves", () => {
    expect(new Date(instantOf("2016-02-29T12:00:00Z")!).toISOString()).toBe("2016-02-29T12:00:00.000Z");
    expect(new Date(instantOf("2000-02-29T12:00:00Z")!).toISOString()).toBe("2000-02-29T12:00:00.000Z");
    expect(instantOf("0000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29) - 5 * 146_097 * DAY_MS);
    expect(new Date(instantOf("0050-06-01T00:00:00Z")!).getUTCFullYear()).toBe(50);
  });

  it("counts a leap second as the next minute's first second", () => {
    expect(instantOf("2016-12-31T23:59:60Z")).toBe(Date.parse("2017-01-01T00:00:00.000Z"));
  });

  it.each([
    "2016-02-30T08:45:55Z",
    "2015-02-29T08:45:55Z",
    "1900-02-29T08:45:55Z",
    "2016-04-31T08:45:55Z",
    "2016-07-26T24:00:00Z",
    "2016-07-26T08:60:00Z",
    "2016-07-26T08:45:61Z",
    "2016-07-26T08:45:55",
    "2016-07-26T08:45:55.Z",
    "2016-07-26T08:45:55+01:0",
    "2016-07-26T08:45:55+24:00",
    "2016-07-26 08:45:55Z",
    "not a date at all, but long",
  ])("is undefined for %s", (text) => {
    expect(instantOf(text)).toBeUndefined();
  });
});

describe("the request's clock", () => {
  it("takes the device clock's error as receivedat - sentat, in whole milliseconds", () => {
    expect(clock("2026-11-26T11:59:59.250Z").clockskewms).toBe(750);
    expect(clock("2026-11-26T15:00:00.000+01:00").clockskewms).toBe(-2 * HOUR_MS);
    expect(clock("2026-11-26T12:00:00.000123Z").clockskewms).toBe(0);
  });

  it("has no error without sentat", () => {
    expect(clock().clockskewms).toBeUndefined();
    expect(clock().receivedat).toBe("2026-11-26T12:00:00.000Z");
  });
});

describe("when an event happened", () => {
  it("is localtime less the device clock's error when the request carried sentat", () => {
    // The device's clock is one year and one hour behind; the event happened five minutes before receipt.
    const behind = clock("2025-11-26T11:00:00.000Z");
    expect(eventTimeOf("2025-11-26T10:55:00.000Z", behind)).toEqual({
      eventtime: "2026-11-26T11:55:00.000Z",
      eventtimesource: "corrected",
    });
  });

  it("is localtime as an instant without sentat", () => {
    expect(eventTimeOf("2026-11-24T13:00:00.123+01:00", clock())).toEqual({
      eventtime: "2026-11-24T12:00:00.123Z",
      eventtimesource: "device",
    });
  });

  it("is never later than receivedat: a time in the future is clamped, and keeps its source", () => {
    expect(eventTimeOf("2026-11-26T15:00:00Z", clock())).toEqual({
      eventtime: "2026-11-26T12:00:00.000Z",
      eventtimesource: "device",
    });
    // Corrected, it is still 10 ms after receipt (network time the correction cannot see).
    expect(eventTimeOf("2026-11-26T12:00:00.010Z", clock("2026-11-26T12:00:00.000Z"))).toEqual({
      eventtime: "2026-11-26T12:00:00.000Z",
      eventtimesource: "corrected",
    });
  });

  it("is receivedat when the time is more than the window before it, after correction", () => {
    const justInside = new Date(RECEIVED.getTime() - 30 * DAY_MS).toISOString();
    const justOutside = new Date(RECEIVED.getTime() - 30 * DAY_MS - 1).toISOString();
    expect(eventTimeOf(justInside, clock())).toEqual({ eventtime: justInside, eventtimesource: "device" });
    expect(eventTimeOf(justOutside, clock())).toEqual({
      eventtime: "2026-11-26T12:00:00.000Z",
      eventtimesource: "received",
    });
    // A year-old localtime from a clock a year behind is corrected into the window.
    expect(eventTimeOf("2025-11-26T11:00:00Z", clock("2025-11-26T12:00:00Z")).eventtimesource).toBe("corrected");
    // A 40-day-old event from a correct clock is outside it even with sentat.
    const old = new Date(RECEIVED.getTime() - 40 * DAY_MS).toISOString();
    expect(eventTimeOf(old, clock("2026-11-26T12:00:00Z")).eventtimesource).toBe("received");
  });

  it("takes the window from configuration", () => {
    const tenDaysAgo = new Date(RECEIVED.getTime() - 10 * DAY_MS).toISOString();
    expect(eventTimeOf(tenDaysAgo, clock(undefined, 7)).eventtimesource).toBe("received");
    expect(eventTimeOf(tenDaysAgo, clock(undefined, 30)).eventtimesource).toBe("device");
  });

  it("is receivedat when localtime is not a real date", () => {
    expect(eventTimeOf("2026-02-30T12:00:00Z", clock("2026-11-26T12:00:00Z"))).toEqual({
      eventtime: "2026-11-26T12:00:00.000Z",
      eventtimesource: "received",
    });
  });
});

describe("writing an instant as UTC ISO-8601", () => {
  it("writes exactly what Date.prototype.toISOString writes", () => {
    const start = Date.UTC(2016, 1, 27);
    const instants = [0, 999, DAY_MS - 1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), -1, Date.UTC(10000, 0, 1), 0.5];
    // Every 7,919 ms for ~90 days: through a leap day, month ends and every millisecond value.
    for (let ms = start; ms < start + 90 * DAY_MS; ms += 7_919) instants.push(ms);
    const mismatches = instants.filter((ms) => utcIsoString(ms) !== new Date(ms).toISOString());
    expect(mismatches).toEqual([]);
  });
});
