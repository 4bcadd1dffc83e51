import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { QUEUE_LIMITS } from "../../src/core/events/queue-message.js";
import { seedEvents } from "../../fixtures/seed-events.js";
import { envelope, gzip, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

/** A navigation event padded to about `bytes` of JSON. */
function eventOfAbout(bytes: number, sequencenumber: number): Record<string, unknown> {
  const event = { ...seedEvents()[4]!, sequencenumber, sourcetag: "" };
  event.sourcetag = "x".repeat(bytes - utf8Length(JSON.stringify(event)));
  return event;
}

describe("packing accepted events into queue messages", () => {
  it("packs 2,000 events of 1 KB into few messages within every queue limit", async () => {
    const recorder = recordingQueue();
    const events = Array.from({ length: 2000 }, (_, index) => eventOfAbout(1024, index));
    const body = await gzip(JSON.stringify(envelope(events)));
    const response = await postEvents(body, {
      headers: { "content-encoding": "gzip" },
      env: { EVENTS: recorder.queue },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2000, rejected: [] });

    const messages = recorder.sendBatches.flat();
    expect(messages.length).toBeLessThanOrEqual(Math.ceil((2000 * 1500) / QUEUE_LIMITS.maxMessageBytes) + 1);
    for (const message of messages) expect(utf8Length(message)).toBeLessThanOrEqual(128_000);
    for (const batch of recorder.sendBatches) {
      expect(batch.length).toBeLessThanOrEqual(100);
      expect(batch.reduce((total, message) => total + utf8Length(message), 0)).toBeLessThanOrEqual(256_000);
    }
    const queued = recorder.events();
    expect(queued.map((event) => event.sequencenumber)).toEqual(events.map((event) => event.sequencenumber));
    expect(new Set(queued.map((event) => event.eventid)).size).toBe(2000);
  });

  it("sends each message as text holding one tenant's events", async () => {
    const recorder = recordingQueue();
    await postEvents(envelope(seedEvents()), { env: { EVENTS: recorder.queue } });
    const [message] = recorder.sendBatches.flat();
    const parsed = JSON.parse(message!) as { v: number; tenant: string; events: unknown[] };
    expect(parsed.v).toBe(1);
    expect(parsed.tenant).toBe("acme");
    expect(parsed.events).toHaveLength(seedEvents().length);
  });

  it("fits an event at the per-event limit into a message", async () => {
    const recorder = recordingQueue();
    const largest = eventOfAbout(Number(env.MAX_EVENT_BYTES) - 10, 1);
    const response = await postEvents(envelope([largest, largest, largest]), { env: { EVENTS: recorder.queue } });
    expect(response.status).toBe(202);
    for (const message of recorder.sendBatches.flat()) expect(utf8Length(message)).toBeLessThanOrEqual(128_000);
  });
});

describe("when the queue cannot take the events", () => {
  it("answers 503 with Retry-After and never counts them as accepted", async () => {
    const failing = recordingQueue({ fail: true });
    const response = await postEvents(envelope(seedEvents()), { env: { EVENTS: failing.queue } });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await response.json()) as { accepted?: number; error: { code: string } };
    expect(body.error.code).toBe("queue_unavailable");
    expect(body.accepted).toBeUndefined();
  });

  it("logs the queue's refusal: its name and message at error level, no stack", async () => {
    const lines: string[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const failing = recordingQueue({ fail: true });
      expect((await postEvents(envelope(seedEvents()), { env: { EVENTS: failing.queue } })).status).toBe(503);
    } finally {
      errors.mockRestore();
    }
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        msg: "request_error",
        level: "error",
        method: "POST",
        path: "/v1/events",
        code: "queue_unavailable",
        error_name: "Error",
        error_message: "simulated queue outage",
      },
    ]);
  });
});
