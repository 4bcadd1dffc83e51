/**
 * Strings that break readers: an event with a lone UTF-16 surrogate anywhere (a value, an undeclared field, a
 * field name) or a `__proto__` key is rejected on its own, at its path, with a stable code, so no export file can
 * hold one; names every object inherits (constructor, toString, …) are plain fields; and what a device sent is
 * logged bounded and in printable ASCII.
 * @module
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { clientEventSchema, clientEventSchemaFor } from "../../src/core/events/schemas/events.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";
import { postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { deviceClaims } from "../support/tokens.js";

interface Rejection {
  index: number;
  errors: Array<{ path: string; code: string; message: string }>;
}

const valid = (): Record<string, unknown> => ({ ...seedEvents()[1]! });

/**
 * A body whose first event is `eventJson` as written, the JSON text a device sends (JSON.stringify would escape
 * a lone surrogate the same way, but spelling it out shows exactly what went over the wire), and whose second
 * event is valid.
 */
function bodyWith(eventJson: string): string {
  return `{"schemaversion":"1.0","events":[${eventJson},${JSON.stringify(valid())}]}`;
}

/** The valid event with `members` (JSON text, e.g. `"client":"\ud800"`) added or replacing its own. */
function eventWith(members: string): string {
  return `${JSON.stringify(valid()).slice(0, -1)},${members}}`;
}

async function postRaw(text: string, recorder = recordingQueue()) {
  const response = await postEvents(text, { env: { EVENTS: recorder.queue } });
  const body = (await response.json()) as { accepted: number; rejected: Rejection[] };
  return { status: response.status, body, queued: recorder.events() };
}

describe("an event with a lone surrogate is rejected on its own, at its path, as lone_surrogate", () => {
  it.each([
    ["a declared field", String.raw`"client":"\ud800abc"`, "client"],
    ["a low surrogate alone", String.raw`"client":"abc\udc00"`, "client"],
    ["a high surrogate at the very end", String.raw`"devicename":"speaker\udbff"`, "devicename"],
    ["an undeclared field", String.raw`"firmware":"\ud800"`, "firmware"],
    ["an undeclared nested object", String.raw`"extra":{"deep":{"note":"x\udfff"}}`, "extra.deep.note"],
    ["an array element", String.raw`"tags":["ok","\ud800"]`, "tags.1"],
    ["a field name", String.raw`"bad\ud800key":1`, "bad\ufffdkey"],
    ["a nested field name", String.raw`"extra":{"\udc00":"value"}`, "extra.\ufffd"],
  ])("in %s", async (_, members, path) => {
    const { status, body, queued } = await postRaw(bodyWith(eventWith(members)));
    expect(status).toBe(202);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      {
        index: 0,
        errors: [{ path, code: "lone_surrogate", message: expect.stringContaining("lone UTF-16 surrogate") }],
      },
    ]);
    expect(queued).toHaveLength(1);
    // The answer itself is well-formed: the path of a bad key names it with U+FFFD in place of the surrogate.
    expect(JSON.stringify(body).includes("\\ud")).toBe(false);
  });

  it("names every bad string of the event", async () => {
    const { body } = await postRaw(bodyWith(eventWith(String.raw`"client":"\ud800","platform":"\udc00"`)));
    expect(body.rejected[0]!.errors.map((error) => [error.path, error.code])).toEqual([
      ["client", "lone_surrogate"],
      ["platform", "lone_surrogate"],
    ]);
  });

  it("a batch of only such events is a 400 no_valid_events, and no event is queued", async () => {
    const recorder = recordingQueue();
    const response = await postEvents(
      `{"schemaversion":"1.0","events":[${eventWith(String.raw`"client":"\ud800"`)}]}`,
      {
        env: { EVENTS: recorder.queue },
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "no_valid_events" } });
    // Only the request report goes (docs/quality.md), its client counted as well-formed text.
    expect(recorder.events()).toEqual([]);
    expect(recorder.bodies().join()).toContain('"rejected_client","\uFFFD"');
  });
});

describe("well-formed text is accepted as it is", () => {
  it("a surrogate pair written as escapes, an emoji, and the text \\ud800 with its backslash", async () => {
    const members = String.raw`"client":"\ud83d\ude00","platform":"😀","note":"\\ud800 is not an escape here"`;
    const { status, body, queued } = await postRaw(bodyWith(eventWith(members)));
    expect(status).toBe(202);
    expect(body.accepted).toBe(2);
    expect(queued[0]).toMatchObject({ client: "😀", platform: "😀", note: "\\ud800 is not an escape here" });
  });
});

describe("names every object inherits", () => {
  const inherited = PROTOTYPE_NAMES.filter((name) => name !== "__proto__");

  it("are plain fields and values: every one is queued as the device sent it", async () => {
    const recorder = recordingQueue();
    const event = { ...valid(), ...Object.fromEntries(inherited.map((name) => [name, name])) };
    const events = [event, ...inherited.map((name) => ({ ...valid(), platform: name, client: name }))];
    const response = await postEvents(JSON.stringify({ schemaversion: "1.0", events }), {
      env: { EVENTS: recorder.queue },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    const [first, ...rest] = recorder.events();
    for (const name of inherited) expect(Object.getOwnPropertyDescriptor(first, name)?.value).toBe(name);
    expect(rest.map((queued) => queued.platform)).toEqual(inherited);
  });

  it("but a __proto__ key, at any depth, rejects its event as reserved_key", async () => {
    for (const [members, path] of [
      [`"__proto__":{"admin":true}`, "__proto__"],
      [`"extra":{"__proto__":"x"}`, "extra.__proto__"],
      [`"list":[{"__proto__":1}]`, "list.0.__proto__"],
    ] as const) {
      const { body, queued } = await postRaw(bodyWith(eventWith(members)));
      expect(body.rejected, members).toEqual([
        { index: 0, errors: [{ path, code: "reserved_key", message: expect.stringContaining("prototype") }] },
      ]);
      expect(queued).toHaveLength(1);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("__proto__ as a value is a plain string", async () => {
    const { body, queued } = await postRaw(bodyWith(JSON.stringify({ ...valid(), platform: "__proto__" })));
    expect(body.accepted).toBe(2);
    expect(queued[0]!.platform).toBe("__proto__");
  });
});

describe("the same rules on every validation path", () => {
  const events = [
    JSON.parse(eventWith(String.raw`"client":"\ud800"`)),
    JSON.parse(eventWith(`"extra":{"__proto__":1}`)),
    valid(),
  ];

  it.each([
    ["the generated fast path", clientEventSchema],
    ["zod alone (a tenant with custom sources)", clientEventSchemaFor(["tidalconnect"])],
  ])("%s", (_, schema) => {
    const result = validateEvents(events, DEFAULT_LIMITS, schema);
    expect(result.valid.map((entry) => entry.index)).toEqual([2]);
    expect(result.rejected.map((entry) => entry.errors[0]!.code)).toEqual(["lone_surrogate", "reserved_key"]);
  });
});

describe("a token whose user or device holds a lone surrogate", () => {
  it.each(["sub", "deviceid"])("is refused at %s with 401, before any event is read", async (claim) => {
    const recorder = recordingQueue();
    const response = await postEvents(JSON.stringify({ schemaversion: "1.0", events: [valid()] }), {
      claims: deviceClaims({ [claim]: "user\ud800" }),
      env: { EVENTS: recorder.queue },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { code: "unauthorized", message: expect.stringContaining(claim) },
    });
    expect(recorder.sendBatches).toEqual([]);
  });
});

describe("what a device sent, in the request log line", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an invalid type is quoted bounded and in printable ASCII, in the answer and in reject_reasons", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const type = `evil\u202e\n\u001b[31m😀${"x".repeat(5000)}`;
    const key = `k\u202e${"y".repeat(500)}`;
    const events = [{ ...valid(), type }, JSON.parse(eventWith(`${JSON.stringify(key)}:"\\ud800"`))];
    const response = await postEvents(JSON.stringify({ schemaversion: "1.0", events }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { rejected: Rejection[] };
    const typeMessage = body.rejected[0]!.errors[0]!.message;
    expect(typeMessage).toMatch(/^must be one of: .*; got "evil\\u202e\\n\\u001b\[31m\\ud83d\\ude00x+\.\.\.$/);
    expect(typeMessage.length).toBeLessThan(200);

    const request = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "request");
    const reasons = String(request?.reject_reasons);
    expect(reasons).toMatch(/^[\x20-\x7e]+$/);
    expect(reasons.length).toBeLessThanOrEqual(2 * 200 + 2);
    expect(reasons).toContain("type: must be one of");
    expect(reasons).toContain("k\\u202eyyy");
  });
});
