import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { envelope, gzip, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";

interface ErrorBody {
  error: { code: string; message: string; limits?: Record<string, number> };
}

async function errorOf(response: Response, status: number, code: string): Promise<ErrorBody["error"]> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).not.toMatch(/\n\s+at /);
  return body.error;
}

const oneEvent = seedEvents().slice(0, 1);

describe("content type and encoding", () => {
  it("answers 415 when Content-Type is not JSON", async () => {
    const response = await postEvents(envelope(oneEvent), { headers: { "content-type": "text/plain" } });
    await errorOf(response, 415, "unsupported_media_type");
  });

  it("accepts application/json with a charset", async () => {
    const response = await postEvents(envelope(oneEvent), {
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(response.status).toBe(202);
  });

  it("accepts a gzip body and queues its events", async () => {
    const recorder = recordingQueue();
    const events = seedEvents();
    const body = await gzip(JSON.stringify(envelope(events)));
    const response = await postEvents(body, {
      headers: { "content-encoding": "gzip" },
      env: { EVENTS: recorder.queue },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    expect(recorder.events()).toHaveLength(events.length);
  });

  it("answers 400 to a truncated gzip body", async () => {
    const body = await gzip(JSON.stringify(envelope(oneEvent)));
    const truncated = body.slice(0, body.length - 10);
    await errorOf(
      await postEvents(truncated, { headers: { "content-encoding": "gzip" } }),
      400,
      "invalid_body_encoding",
    );
  });

  it("answers 400 to a gzip body whose checksum does not match", async () => {
    const body = await gzip(JSON.stringify(envelope(oneEvent)));
    body.set([body[body.length - 8]! ^ 0xff], body.length - 8);
    await errorOf(await postEvents(body, { headers: { "content-encoding": "gzip" } }), 400, "invalid_body_encoding");
  });

  it("answers 400 to bytes that are not gzip at all under Content-Encoding: gzip", async () => {
    const response = await postEvents(JSON.stringify(envelope(oneEvent)), { headers: { "content-encoding": "gzip" } });
    await errorOf(response, 400, "invalid_body_encoding");
  });

  it("reads a corrupt chunked gzip body to its end before answering 400", async () => {
    const junk = new Uint8Array(64 * 1024).map((_, index) => (index * 7919) % 251);
    const chunks = [...(await gzip(JSON.stringify(envelope(oneEvent)))).slice(0, 40), ...junk];
    let pulled = 0;
    const total = 20;
    const chunkSize = Math.ceil(chunks.length / total);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === total) {
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(chunks.slice(pulled * chunkSize, (pulled + 1) * chunkSize)));
        pulled++;
      },
    });
    const response = await postEvents(body, { headers: { "content-encoding": "gzip" } });
    await errorOf(response, 400, "invalid_body_encoding");
    expect(pulled).toBe(total);
  });

  it("answers 415 to an encoding it does not decode", async () => {
    await errorOf(
      await postEvents(envelope(oneEvent), { headers: { "content-encoding": "br" } }),
      415,
      "unsupported_content_encoding",
    );
  });

  it("answers 400 to a body that is not valid UTF-8", async () => {
    const text = new TextEncoder().encode(JSON.stringify(envelope(oneEvent)));
    const invalid = new Uint8Array([...text.slice(0, 20), 0xc3, 0x28, ...text.slice(20)]);
    await errorOf(await postEvents(invalid), 400, "invalid_body_encoding");
  });

  it("answers 400 to a body that is not JSON", async () => {
    await errorOf(await postEvents('{"schemaversion": "1.0", "events": ['), 400, "invalid_json");
  });
});

describe("a client that stops sending mid-body", () => {
  afterEach(() => vi.restoreAllMocks());

  /** The first half of `bytes`, then the connection fails, as when a device loses its network mid-upload. */
  function cutShort(bytes: Uint8Array): ReadableStream<Uint8Array> {
    let sent = false;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          controller.enqueue(bytes.slice(0, Math.floor(bytes.byteLength / 2)));
          sent = true;
          return;
        }
        controller.error(new TypeError("Network connection lost."));
      },
    });
  }

  it.each([
    ["plain", false],
    ["gzip", true],
  ])("gets 400 body_incomplete on the %s path, logged at info level only", async (_, gzipped) => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const infos: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void infos.push(String(line)));
    const text = JSON.stringify(envelope(seedEvents()));
    const bytes = gzipped ? await gzip(text) : new TextEncoder().encode(text);
    const recorder = recordingQueue();
    const response = await postEvents(cutShort(bytes), {
      headers: gzipped ? { "content-encoding": "gzip" } : {},
      env: { EVENTS: recorder.queue },
    });
    await errorOf(response, 400, "body_incomplete");
    // No event is queued; only the request's usage goes out, in its report (OPERATIONS.md, Usage per tenant).
    expect(recorder.events()).toEqual([]);
    expect(errors).not.toHaveBeenCalled();
    const request = infos
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "request");
    expect(request).toMatchObject({ level: "info", status: 400, error: "body_incomplete" });
  });
});

describe("the envelope", () => {
  it.each([
    ["a schemaversion other than 1.0", { schemaversion: "2.0", events: oneEvent }, "unsupported_schema_version"],
    ["a missing schemaversion", { events: oneEvent }, "unsupported_schema_version"],
    ["a numeric schemaversion", { schemaversion: 1.0, events: oneEvent }, "unsupported_schema_version"],
    ["missing events", { schemaversion: "1.0" }, "invalid_envelope"],
    ["empty events", { schemaversion: "1.0", events: [] }, "invalid_envelope"],
    ["events that is not an array", { schemaversion: "1.0", events: { type: "authevent" } }, "invalid_envelope"],
    ["a body that is an array", [oneEvent], "invalid_envelope"],
    ["a body that is null", null, "invalid_envelope"],
  ])("answers 400 to %s", async (_, body, code) => {
    await errorOf(await postEvents(body), 400, code);
  });
});

describe("limits", () => {
  it("answers 413 naming the limits when Content-Length is over the wire limit", async () => {
    const big = JSON.stringify(envelope(Array.from({ length: 40 }, () => seedEvents()[6])));
    const error = await errorOf(await postEvents(big, { env: { MAX_WIRE_BYTES: "10000" } }), 413, "payload_too_large");
    expect(error.limits).toEqual({
      max_wire_bytes: 10000,
      max_decoded_bytes: Number(env.MAX_DECODED_BYTES),
      max_events_per_request: Number(env.MAX_EVENTS_PER_REQUEST),
      max_event_bytes: Number(env.MAX_EVENT_BYTES),
    });
  });

  it("stops a streamed body without Content-Length at the wire limit", async () => {
    const text = JSON.stringify(envelope(Array.from({ length: 300 }, () => seedEvents()[6])));
    const response = await postEvents(new Blob([text]).stream(), {
      env: { MAX_WIRE_BYTES: String(Math.floor(text.length / 2)) },
    });
    await errorOf(response, 413, "payload_too_large");
  });

  it("stops a streamed gzip body at the wire limit", async () => {
    const compressed = await gzip(JSON.stringify(envelope(seedEvents())));
    const response = await postEvents(new Blob([compressed]).stream(), {
      headers: { "content-encoding": "gzip" },
      env: { MAX_WIRE_BYTES: String(Math.floor(compressed.byteLength / 2)) },
    });
    await errorOf(response, 413, "payload_too_large");
  });

  it("stops decoding a gzip bomb at the decoded limit", async () => {
    // Twice the decoded limit of spaces inside a JSON string gzips to a few KiB on the wire.
    const padding = " ".repeat(2 * Number(env.MAX_DECODED_BYTES));
    const bomb = await gzip(`{"schemaversion":"1.0","pad":"${padding}","events":[]}`);
    expect(bomb.byteLength).toBeLessThan(Number(env.MAX_WIRE_BYTES));
    const response = await postEvents(bomb, { headers: { "content-encoding": "gzip" } });
    const error = await errorOf(response, 413, "payload_too_large");
    expect(error.message).toContain(String(env.MAX_DECODED_BYTES));
  });

  it("answers 413 to more events than a request may carry", async () => {
    const events = Array.from({ length: 6 }, (_, index) => ({ ...seedEvents()[1], sequencenumber: index }));
    const error = await errorOf(
      await postEvents(envelope(events), { env: { MAX_EVENTS_PER_REQUEST: "5" } }),
      413,
      "too_many_events",
    );
    expect(error.limits?.max_events_per_request).toBe(5);
  });

  it("rejects an oversized event on its own and accepts the rest of the batch", async () => {
    const recorder = recordingQueue();
    const huge = { ...seedEvents()[4], targetpage: "x".repeat(Number(env.MAX_EVENT_BYTES)) };
    const response = await postEvents(envelope([seedEvents()[0], huge, seedEvents()[1]]), {
      env: { EVENTS: recorder.queue },
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      accepted: number;
      rejected: Array<{ index: number; errors: Array<{ code: string }> }>;
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([{ index: 1, errors: [expect.objectContaining({ code: "event_too_large" })] }]);
    expect(recorder.events()).toHaveLength(2);
  });
});

describe("deeply nested events", () => {
  function nested(levels: number): unknown {
    let value: unknown = "bottom";
    for (let level = 0; level < levels; level++) value = [value];
    return value;
  }

  it.each([65, 10_000])("rejects an event nested %i levels deep on its own and accepts the rest", async (levels) => {
    const recorder = recordingQueue();
    const deep = { ...seedEvents()[1], extra: nested(levels) };
    const response = await postEvents(envelope([seedEvents()[0], deep]), { env: { EVENTS: recorder.queue } });
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      accepted: number;
      rejected: Array<{ index: number; errors: Array<{ code: string }> }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 1, errors: [expect.objectContaining({ code: "event_too_deep" })] }]);
    expect(recorder.events()).toHaveLength(1);
  });

  it("accepts nesting up to the limit, brackets inside strings not counted", async () => {
    const deepEnough = { ...seedEvents()[1], extra: nested(60), note: "[[[[{{{{".repeat(40) };
    const response = await postEvents(envelope([deepEnough]));
    expect(response.status).toBe(202);
  });
});
