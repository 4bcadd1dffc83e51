import { describe, expect, it } from "vitest";
import { COMMON_FIELDS, seedExamples } from "../../fixtures/seed-events.js";
import { envelope, gzip, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";

interface Rejection {
  index: number;
  errors: Array<{ path: string; code: string; message: string }>;
}

function example(type: string): Record<string, unknown> {
  const found = seedExamples().find((entry) => entry.event.type === type);
  if (!found) throw new Error(`no seed example of ${type}`);
  return found.event;
}

function without(event: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = structuredClone(event);
  const parts = path.split(".");
  let target: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  delete target[parts.at(-1)!];
  return copy;
}

function withValue(event: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  const parts = path.split(".");
  let target: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  target[parts.at(-1)!] = value;
  return copy;
}

async function rejectionOf(event: unknown): Promise<Rejection> {
  const response = await postEvents(envelope([event]));
  expect(response.status).toBe(400);
  const body = (await response.json()) as { accepted: number; rejected: Rejection[]; error: { code: string } };
  expect(body.accepted).toBe(0);
  expect(body.error.code).toBe("no_valid_events");
  expect(body.rejected).toHaveLength(1);
  return body.rejected[0]!;
}

const COMMON_MANDATORY = [
  "sessionid",
  "sequencenumber",
  "localtime",
  "client",
  "clientversion",
  "platform",
  "platformversion",
  "devicename",
  "devicemanufacturer",
  "connection",
];

/** Each type's own mandatory fields, per the document's tables, with an example that carries them. */
const TYPE_MANDATORY: Array<[string, string[]]> = [
  ["authevent", ["action"]],
  ["playevent", ["source", "action"]],
  ["profileevent", ["action", "target"]],
  ["voiceevent", ["action", "stoppedby", "ref"]],
];

/** Mandatory fields of sub-objects, on an example that carries the sub-object. */
const NESTED_MANDATORY: Array<[string, string]> = [
  ["playevent", "playable.id"],
  ["playevent", "playable.userid"],
  ["playevent", "playable.parameters"],
];

describe("mandatory fields", () => {
  const types = ["appstartevent", "authevent", "navigationevent", "playevent", "profileevent", "voiceevent"];
  const commonCases = types.flatMap((type) => COMMON_MANDATORY.map((field) => [type, field] as const));

  it.each(commonCases)("a %s without %s is rejected with that path", async (type, field) => {
    const rejection = await rejectionOf(without(example(type), field));
    expect(rejection.errors).toContainEqual(expect.objectContaining({ path: field, message: "is required" }));
  });

  const typeCases = TYPE_MANDATORY.flatMap(([type, fields]) => fields.map((field) => [type, field] as const));
  it.each(typeCases)("a %s without %s is rejected with that path", async (type, field) => {
    const rejection = await rejectionOf(without(example(type), field));
    expect(rejection.errors).toContainEqual(expect.objectContaining({ path: field, message: "is required" }));
  });

  it.each(NESTED_MANDATORY)("a %s without %s is rejected with that path", async (type, path) => {
    const rejection = await rejectionOf(without(example(type), path));
    expect(rejection.errors).toContainEqual(expect.objectContaining({ path, message: "is required" }));
  });

  it("an item without its name is rejected at item.name", async () => {
    const withItem = seedExamples().find(
      (entry) => entry.name === "song begins from a dynamic playlist on Tidal",
    )!.event;
    const rejection = await rejectionOf(without(withItem, "item.name"));
    expect(rejection.errors).toEqual([expect.objectContaining({ path: "item.name" })]);
  });

  it("an output device without its connection is rejected at outputdevice.connection", async () => {
    const withDevice = seedExamples().find((entry) => entry.name === "play to a Bluetooth speaker")!.event;
    const rejection = await rejectionOf(without(withDevice, "outputdevice.connection"));
    expect(rejection.errors).toEqual([expect.objectContaining({ path: "outputdevice.connection" })]);
  });

  it("an artist without its name is rejected at artist.name", async () => {
    const dislike = seedExamples().find((entry) => entry.name === "dislike an artist")!.event;
    const rejection = await rejectionOf(without(dislike, "artist.name"));
    expect(rejection.errors).toEqual([expect.objectContaining({ path: "artist.name", message: "is required" })]);
  });

  it("optional common fields may be left out", async () => {
    const minimal = without(without(example("navigationevent"), "countrycode"), "initiator");
    const response = await postEvents(envelope([minimal]));
    expect(response.status).toBe(202);
  });
});

/** Every enum of the document with a value it does not allow. */
const ENUM_CASES: Array<[string, string, unknown]> = [
  ["appstartevent", "connection", "wifi"],
  ["appstartevent", "initiator", "robot"],
  ["authevent", "action", "login"],
  ["playevent", "source", "radio"],
  ["playevent", "action", "pause"],
  ["profileevent", "action", "love"],
  ["profileevent", "target", "podcast"],
  ["profileevent", "source", "cassette"],
  ["voiceevent", "action", "partial"],
  ["voiceevent", "stoppedby", "timeout"],
];

describe("enumerated fields", () => {
  it.each(ENUM_CASES)("a %s with %s %j is rejected and told the allowed values", async (type, field, value) => {
    const rejection = await rejectionOf(withValue(example(type), field, value));
    const error = rejection.errors.find((entry) => entry.path === field);
    expect(error?.message).toMatch(/^must be one of: /);
  });

  it("an output device with an unknown connection is rejected at outputdevice.connection", async () => {
    const withDevice = seedExamples().find((entry) => entry.name === "play to a Bluetooth speaker")!.event;
    const rejection = await rejectionOf(withValue(withDevice, "outputdevice.connection", "wifi"));
    expect(rejection.errors[0]).toMatchObject({
      path: "outputdevice.connection",
      message: expect.stringContaining("bluetooth, lightning, usb, aux"),
    });
  });

  it("an unknown type is rejected and the error names the known types", async () => {
    const rejection = await rejectionOf({ ...COMMON_FIELDS, type: "clickevent" });
    expect(rejection.errors).toEqual([
      expect.objectContaining({
        path: "type",
        message: expect.stringContaining(
          "appstartevent, authevent, navigationevent, playevent, profileevent, voiceevent",
        ),
      }),
    ]);
  });
});

describe("field formats", () => {
  const formatCases: Array<[string, string, unknown]> = [
    ["sessionid with hyphens", "sessionid", "5f71e097-8435-4cfa-bd82-53fe24d6b701"],
    ["sessionid of 31 digits", "sessionid", "5f71e09784354cfabd8253fe24d6b70"],
    ["a fractional sequencenumber", "sequencenumber", 7.5],
    ["a sequencenumber as a string", "sequencenumber", "7"],
    ["a localtime without an offset", "localtime", "2016-07-26T08:45:55.721"],
    ["a localtime that is only a date", "localtime", "2016-07-26"],
    ["a localtime without seconds", "localtime", "2016-07-26T08:45+01:00"],
    ["a localtime with a space for T", "localtime", "2016-07-26 08:45:55Z"],
    ["a localtime in month 13", "localtime", "2016-13-26T08:45:55Z"],
    ["a three-letter countrycode", "countrycode", "gbr"],
    ["a fractional timing", "timing", 1.5],
    ["an empty client", "client", ""],
  ];
  it.each(formatCases)("rejects %s", async (_, field, value) => {
    const rejection = await rejectionOf(withValue(example("navigationevent"), field, value));
    expect(rejection.errors.map((error) => error.path)).toContain(field);
  });

  it("tells a device that a sequencenumber past 2^53 - 1 is too big, not that it is not a whole number", async () => {
    const rejection = await rejectionOf(withValue(example("navigationevent"), "sequencenumber", 2 ** 63));
    expect(rejection.errors).toEqual([
      expect.objectContaining({
        path: "sequencenumber",
        message: expect.stringMatching(/^must be at most 9007199254740991/),
      }),
    ]);
  });

  it("rejects a playable id that is not a GUID without hyphens, at playable.id", async () => {
    const rejection = await rejectionOf(withValue(example("playevent"), "playable.id", "not-a-guid"));
    expect(rejection.errors).toEqual([expect.objectContaining({ path: "playable.id" })]);
  });

  const acceptedCases: Array<[string, string, unknown]> = [
    ["a localtime in UTC with Z", "localtime", "2016-07-26T07:45:55Z"],
    ["a localtime with nanoseconds", "localtime", "2016-07-26T08:45:55.721118123+01:00"],
    ["a localtime with a basic-format offset (+0100)", "localtime", "2016-07-26T08:45:55.721+0100"],
    ["a localtime with an hours-only offset (-05)", "localtime", "2016-07-26T08:45:55-05"],
    ["an upper-case sessionid", "sessionid", "5F71E09784354CFABD8253FE24D6B701"],
    ["an upper-case countrycode", "countrycode", "GB"],
  ];
  it.each(acceptedCases)("accepts %s", async (_, field, value) => {
    const response = await postEvents(envelope([withValue(example("navigationevent"), field, value)]));
    expect(response.status).toBe(202);
  });
});

describe("partial acceptance", () => {
  it("accepts the valid events of a batch and names each rejected one by index", async () => {
    const recorder = recordingQueue();
    const good = example("authevent");
    const bad = without(example("voiceevent"), "ref");
    const response = await postEvents(envelope([good, bad, "not an event", good]), { env: { EVENTS: recorder.queue } });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; rejected: Rejection[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((entry) => entry.index)).toEqual([1, 2]);
    expect(body.rejected[0]!.errors).toEqual([{ path: "ref", code: expect.any(String), message: "is required" }]);
    expect(recorder.events()).toHaveLength(2);
  });

  it("queues no event and answers 400 with the same body when no event is valid", async () => {
    const recorder = recordingQueue();
    const response = await postEvents(envelope([{}, 42]), { env: { EVENTS: recorder.queue } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { accepted: number; rejected: Rejection[] };
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((entry) => entry.index)).toEqual([0, 1]);
    // Only the request report (docs/quality.md), alone: the test config sends it at once instead of 10 s later.
    expect(recorder.events()).toEqual([]);
    expect(recorder.bodies().map((message) => Object.keys(JSON.parse(message) as object))).toEqual([
      ["v", "tenant", "report", "events"],
    ]);
  });
});

describe("fields the document does not list", () => {
  it("keeps unknown fields of an event, of an item and of playable parameters verbatim", async () => {
    const recorder = recordingQueue();
    const event = {
      ...example("playevent"),
      firmwarebuild: "2024.11-rc3",
      playable: { ...(example("playevent").playable as object), parameters: { ref: "1", nested: { deep: [1, 2] } } },
      item: { name: "Song", playbackcodec: "FLAC", index: 678 },
    };
    const response = await postEvents(envelope([event]), { env: { EVENTS: recorder.queue } });
    expect(response.status).toBe(202);
    const [queued] = recorder.events();
    expect(queued).toMatchObject({
      firmwarebuild: "2024.11-rc3",
      playable: { parameters: { ref: "1", nested: { deep: [1, 2] } } },
      item: { name: "Song", playbackcodec: "FLAC", index: 678 },
    });
  });
});

describe("the answer about rejected events is bounded, its counts exact", () => {
  /** An event missing every common mandatory field: ten errors or more. */
  const hopeless = () => COMMON_MANDATORY.reduce((event, field) => without(event, field), example("navigationevent"));

  it("a 3 KB gzipped body of 2,000 invalid events: 50 rejections listed, 5 errors each, rejectedcount 2,000", async () => {
    const text = JSON.stringify(envelope(Array.from({ length: 2000 }, hopeless)));
    const compressed = await gzip(text);
    expect(compressed.byteLength).toBeLessThan(4096);
    const response = await postEvents(compressed, { headers: { "content-encoding": "gzip" } });
    expect(response.status).toBe(400);
    const answer = await response.text();
    // It was 3.8 MB.
    expect(answer.length).toBeLessThan(32 * 1024);
    const body = JSON.parse(answer) as {
      accepted: number;
      rejected: Array<Rejection & { errorcount?: number }>;
      rejectedcount: number;
      truncated: boolean;
      error: { code: string };
    };
    expect(body).toMatchObject({
      accepted: 0,
      rejectedcount: 2000,
      truncated: true,
      error: { code: "no_valid_events" },
    });
    expect(body.rejected.map((rejection) => rejection.index)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    for (const rejection of body.rejected) {
      expect(rejection.errors).toHaveLength(5);
      expect(rejection.errorcount).toBeGreaterThanOrEqual(COMMON_MANDATORY.length);
    }
  });

  it("counts exactly beside accepted events: 202 with accepted and rejectedcount", async () => {
    const events = Array.from({ length: 120 }, (_, index) =>
      index % 2 === 0 ? example("navigationevent") : hopeless(),
    );
    const response = await postEvents(envelope(events));
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; rejected: Rejection[]; rejectedcount: number };
    expect(body.accepted).toBe(60);
    expect(body.rejectedcount).toBe(60);
    expect(body.rejected).toHaveLength(50);
    expect(body.rejected[0]!.index).toBe(1);
  });

  it("adds nothing to the answer when nothing is left out", async () => {
    const response = await postEvents(
      envelope([example("navigationevent"), without(example("navigationevent"), "client")]),
    );
    expect(Object.keys((await response.json()) as object).sort()).toEqual(["accepted", "rejected"]);
  });

  it("cuts a path naming a long field name of the device's, and says so with ...", async () => {
    const longName = "k".repeat(20_000);
    const event = { ...example("navigationevent"), extra: { [longName]: "\ud800" } };
    const rejection = await rejectionOf(event);
    expect(rejection.errors[0]!.path.length).toBeLessThanOrEqual(128);
    expect(rejection.errors[0]!.path).toMatch(/^extra\.k+\.\.\.$/);
  });
});
