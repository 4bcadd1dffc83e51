import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { envelope, postEvents, type PostOptions } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { deviceClaims, TEST_DEVICE, TEST_USER } from "../support/tokens.js";
import { LONDON_CF } from "../support/edge-location.js";

async function queuedFrom(events: unknown[], options: PostOptions = {}): Promise<Record<string, unknown>[]> {
  const recorder = recordingQueue();
  const response = await postEvents(envelope(events), { ...options, env: { ...options.env, EVENTS: recorder.queue } });
  expect(response.status).toBe(202);
  return recorder.events();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("server-derived fields", () => {
  it("adds eventid, receivedat, tenant, and the user and device of the token", async () => {
    const before = Date.now();
    const [event] = await queuedFrom([seedEvents()[1]]);
    expect(event!.eventid).toMatch(UUID);
    expect(event!.tenant).toBe("acme");
    expect(event!.userid).toBe(TEST_USER);
    expect(event!.deviceid).toBe(TEST_DEVICE);
    expect(event!.receivedat).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(event!.receivedat as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("overwrites whatever a device puts in the server fields", async () => {
    const spoofed = {
      ...seedEvents()[1],
      eventid: "00000000-0000-0000-0000-000000000000",
      userid: "someone-else",
      deviceid: "another-device",
      receivedat: "2001-01-01T00:00:00.000Z",
      tenant: "other-tenant",
      geo: { country: "XX" },
      ip: "192.0.2.1",
    };
    const [event] = await queuedFrom([spoofed]);
    expect(event!.eventid).not.toBe(spoofed.eventid);
    expect(event!.userid).toBe(TEST_USER);
    expect(event!.deviceid).toBe(TEST_DEVICE);
    expect(event!.tenant).toBe("acme");
    expect(event!.receivedat).not.toBe(spoofed.receivedat);
    expect(event!).not.toHaveProperty("geo");
    expect(event!).not.toHaveProperty("ip");
  });

  it("leaves deviceid out when the token has none", async () => {
    const [event] = await queuedFrom([seedEvents()[1]], { claims: deviceClaims({ deviceid: undefined }) });
    expect(event!).not.toHaveProperty("deviceid");
  });
});

describe("deterministic event ids", () => {
  it("gives the same event the same eventid when it is sent again", async () => {
    const [first] = await queuedFrom([seedEvents()[3]]);
    const [second] = await queuedFrom([seedEvents()[3]]);
    expect(second!.eventid).toBe(first!.eventid);
    expect(second!.receivedat).toBeDefined();
  });

  it("gives different ids to different sequence numbers, sessions, devices, users and tenants", async () => {
    const event = seedEvents()[3]!;
    const ids = new Set<unknown>();
    ids.add((await queuedFrom([event]))[0]!.eventid);
    ids.add((await queuedFrom([{ ...event, sequencenumber: 99 }]))[0]!.eventid);
    ids.add((await queuedFrom([{ ...event, sessionid: "0123456789abcdef0123456789abcdef" }]))[0]!.eventid);
    ids.add((await queuedFrom([event], { claims: deviceClaims({ deviceid: "another-device" }) }))[0]!.eventid);
    ids.add((await queuedFrom([event], { claims: deviceClaims({ sub: "another-user" }) }))[0]!.eventid);
    ids.add((await queuedFrom([event], { claims: deviceClaims({ tenant: "globex" }) }))[0]!.eventid);
    expect(ids.size).toBe(6);
  });

  it("treats a sessionid in upper case as the same session", async () => {
    const event = seedEvents()[3]!;
    const [lower] = await queuedFrom([event]);
    const [upper] = await queuedFrom([{ ...event, sessionid: String(event.sessionid).toUpperCase() }]);
    expect(upper!.eventid).toBe(lower!.eventid);
  });
});

describe("geo from request.cf", () => {
  it("maps the edge's location into geo, coordinates as numbers", async () => {
    const cf = { ...LONDON_CF, asn: 2856 };
    const [event] = await queuedFrom([seedEvents()[0]], { cf });
    expect(event!.geo).toEqual({
      country: "GB",
      region: "England",
      regioncode: "ENG",
      city: "London",
      postcode: "EC1A",
      latitude: 51.50799,
      longitude: -0.12806,
      timezone: "Europe/London",
      continent: "EU",
      colo: "LHR",
    });
  });

  it("leaves out the fields the edge did not provide", async () => {
    const [event] = await queuedFrom([seedEvents()[0]], { cf: { country: "DE", colo: "FRA" } });
    expect(event!.geo).toEqual({ country: "DE", colo: "FRA" });
  });
});
