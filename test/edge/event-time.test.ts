import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { DAY_MS, deviceTime, HOUR_MS, MINUTE_MS } from "../support/time.js";

const YEAR_MS = 365 * DAY_MS;

function eventAt(localtime: string, sequencenumber = 1): Record<string, unknown> {
  return { ...seedEvents()[4], localtime, sequencenumber };
}

interface Queued {
  receivedat: string;
  eventtime: string;
  eventtimesource: string;
  clockskewms?: number;
}

async function post(body: Record<string, unknown>): Promise<{ status: number; json: unknown; queued: Queued[] }> {
  const recorder = recordingQueue();
  const response = await postEvents(body, { env: { EVENTS: recorder.queue } });
  return { status: response.status, json: await response.json(), queued: recorder.events() as unknown as Queued[] };
}

/** A device whose clock is `errorMs` off sends one event that happened a minute ago (true time), sentat or not. */
async function sendFromSkewedDevice(errorMs: number, withSentAt: boolean) {
  const sentMs = Date.now();
  const happenedMs = sentMs - MINUTE_MS;
  const body: Record<string, unknown> = {
    schemaversion: "1.0",
    events: [eventAt(deviceTime(happenedMs + errorMs, 60))],
  };
  if (withSentAt) body.sentat = deviceTime(sentMs + errorMs, 60);
  const { status, queued } = await post(body);
  expect(status).toBe(202);
  return { happenedMs, event: queued[0]! };
}

const CLOCK_ERRORS: Array<[string, number]> = [
  ["a year behind", -YEAR_MS],
  ["two days behind", -2 * DAY_MS],
  ["three hours ahead", 3 * HOUR_MS],
  ["ten minutes ahead", 10 * MINUTE_MS],
  ["exact", 0],
];

describe("a device clock that is off, with sentat", () => {
  it.each(CLOCK_ERRORS)("recovers the true time within a second from a clock %s", async (_, errorMs) => {
    const { happenedMs, event } = await sendFromSkewedDevice(errorMs, true);
    expect(event.eventtimesource).toBe("corrected");
    expect(Math.abs(Date.parse(event.eventtime) - happenedMs)).toBeLessThan(1000);
    expect(event.eventtime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(event.clockskewms! + errorMs)).toBeLessThan(1000);
    expect(Number.isInteger(event.clockskewms)).toBe(true);
  });
});

describe("a device clock that is off, without sentat", () => {
  it("takes a clock a year behind as implausible: eventtime is receivedat", async () => {
    const { event } = await sendFromSkewedDevice(-YEAR_MS, false);
    expect(event).toMatchObject({ eventtimesource: "received", eventtime: event.receivedat });
    expect(event).not.toHaveProperty("clockskewms");
  });

  it("keeps a clock two days behind as it is: the device's time, two days early", async () => {
    const { happenedMs, event } = await sendFromSkewedDevice(-2 * DAY_MS, false);
    expect(event.eventtimesource).toBe("device");
    expect(Date.parse(event.eventtime) - (happenedMs - 2 * DAY_MS)).toBe(0);
  });

  it.each([
    ["three hours ahead", 3 * HOUR_MS],
    ["ten minutes ahead", 10 * MINUTE_MS],
  ])("clamps a clock %s to receivedat", async (_, errorMs) => {
    const { event } = await sendFromSkewedDevice(errorMs, false);
    expect(event).toMatchObject({ eventtimesource: "device", eventtime: event.receivedat });
  });

  it("takes an exact clock's time as it is", async () => {
    const { happenedMs, event } = await sendFromSkewedDevice(0, false);
    expect(event.eventtimesource).toBe("device");
    expect(Date.parse(event.eventtime)).toBe(happenedMs);
  });
});

describe("a batch buffered offline", () => {
  it("gives each event of a batch held back three days the time it happened", async () => {
    const now = Date.now();
    const happened = [now - 3 * DAY_MS, now - 2 * DAY_MS - 5 * HOUR_MS, now - 26 * HOUR_MS, now - 10 * MINUTE_MS];
    // A phone in New York (-05:00) whose clock is 90 s fast.
    const error = 90 * 1000;
    const { status, queued } = await post({
      schemaversion: "1.0",
      sentat: deviceTime(now + error, -300),
      events: happened.map((ms, index) => eventAt(deviceTime(ms + error, -300), index + 1)),
    });
    expect(status).toBe(202);
    expect(queued).toHaveLength(happened.length);
    queued.forEach((event, index) => {
      expect(event.eventtimesource).toBe("corrected");
      expect(Math.abs(Date.parse(event.eventtime) - happened[index]!)).toBeLessThan(1000);
      expect(event.receivedat).toBe(queued[0]!.receivedat);
    });
  });
});

describe("sentat", () => {
  it.each([
    ["not a date", "yesterday"],
    ["without an offset", "2026-11-26T12:00:00"],
    ["without seconds", "2026-11-26T12:00+01:00"],
    ["on a day the calendar lacks", "2026-02-30T12:00:00Z"],
    ["a number", 1764158400000],
    ["null", null],
  ])("rejects the whole request when it is %s: 400 invalid_envelope naming sentat", async (_, sentat) => {
    const { status, json, queued } = await post({ schemaversion: "1.0", sentat, events: [seedEvents()[4]] });
    expect(status).toBe(400);
    expect(json).toEqual({ error: { code: "invalid_envelope", message: expect.stringMatching(/^sentat /) } });
    expect(queued).toHaveLength(0);
  });

  it("is optional: without it events carry no clockskewms", async () => {
    const { status, queued } = await post({ schemaversion: "1.0", events: [seedEvents()[4]] });
    expect(status).toBe(202);
    expect(queued[0]).not.toHaveProperty("clockskewms");
    expect(queued[0]).toHaveProperty("eventtime");
  });

  it("cannot be smuggled into an event's server fields", async () => {
    const spoofed = { ...seedEvents()[4], eventtime: "2001-01-01T00:00:00.000Z", eventtimesource: "x", clockskewms: 5 };
    const { queued } = await post({ schemaversion: "1.0", events: [spoofed] });
    expect(queued[0]!.eventtime).not.toBe("2001-01-01T00:00:00.000Z");
    expect(queued[0]!.eventtimesource).toBe("received");
    expect(queued[0]).not.toHaveProperty("clockskewms");
  });
});

describe("impossible device dates", () => {
  it.each([
    ["February 30th", "2016-02-30T08:45:55+01:00", /calendar/],
    ["February 29th of a year that is not leap", "2015-02-29T08:45:55Z", /calendar/],
    ["April 31st", "2016-04-31T08:45:55Z", /calendar/],
    ["hour 24", "2016-07-26T24:00:00Z", /ISO-8601/],
    ["minute 60", "2016-07-26T08:60:00Z", /ISO-8601/],
  ])("rejects a localtime on %s as an error of that event alone", async (_, localtime, reason) => {
    const { status, json, queued } = await post({
      schemaversion: "1.0",
      events: [seedEvents()[4], eventAt(localtime, 2)],
    });
    expect(status).toBe(202);
    expect(json).toEqual({
      accepted: 1,
      rejected: [{ index: 1, errors: [{ path: "localtime", code: expect.any(String), message: expect.any(String) }] }],
    });
    const [rejection] = (json as { rejected: Array<{ errors: Array<{ message: string }> }> }).rejected;
    expect(rejection!.errors[0]!.message).toMatch(reason);
    expect(queued).toHaveLength(1);
  });

  it("accepts February 29th of a leap year", async () => {
    const { status } = await post({ schemaversion: "1.0", events: [eventAt("2016-02-29T08:45:55Z")] });
    expect(status).toBe(202);
  });
});

describe("the request log line", () => {
  afterEach(() => vi.restoreAllMocks());

  async function requestLine(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    await post(body);
    vi.restoreAllMocks();
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return parsed.find((line) => line.msg === "request")!;
  }

  it("carries the request's clockskewms when it sent sentat", async () => {
    const sentat = deviceTime(Date.now() - 2 * HOUR_MS, 0);
    const line = await requestLine({ schemaversion: "1.0", sentat, events: [seedEvents()[4]] });
    expect(line.clockskewms).toBeGreaterThanOrEqual(2 * HOUR_MS);
    expect(line.clockskewms).toBeLessThan(2 * HOUR_MS + 60_000);
  });

  it("has no clockskewms without sentat", async () => {
    const line = await requestLine({ schemaversion: "1.0", events: [seedEvents()[4]] });
    expect(line).not.toHaveProperty("clockskewms");
  });
});
