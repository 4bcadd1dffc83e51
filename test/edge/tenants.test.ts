import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";
import { EVENTS_PER_LIMIT_UNIT, limitUnits } from "../../src/edge/ingest/rate-limit.js";
import { envelope, postEvents } from "../support/ingest.js";
import { inOneRateWindow } from "../support/rate-window.js";
import { recordingQueue } from "../support/recording-queue.js";
import { registerTenant, uniqueTenant } from "../support/tenants.js";
import { bearer, deviceClaims, readerToken } from "../support/tokens.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const CLOSED = { OPEN_TENANCY: "false" };
const claimsFor = (tenant: string) => deviceClaims({ tenant });
const playAux = () => seedEvents().find((event) => event.source === "aux")!;

afterEach(() => clearTenantSettingsCache());

describe("tenancy", () => {
  it("refuses a tenant that is not registered when tenancy is closed, and queues nothing", async () => {
    const recorder = recordingQueue();
    const response = await postEvents(envelope(seedEvents()), {
      claims: claimsFor("stranger"),
      env: { ...CLOSED, EVENTS: recorder.queue },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unknown_tenant");
    expect(recorder.sendBatches).toEqual([]);
  });

  it("accepts a registered tenant when tenancy is closed", async () => {
    await registerTenant("initech");
    const response = await postEvents(envelope(seedEvents()), { claims: claimsFor("initech"), env: CLOSED });
    expect(response.status).toBe(202);
  });

  it("refuses a disabled tenant with 403 and queues nothing, even with open tenancy", async () => {
    await registerTenant("hooli", { enabled: false });
    const recorder = recordingQueue();
    const response = await postEvents(envelope(seedEvents()), {
      claims: claimsFor("hooli"),
      env: { EVENTS: recorder.queue },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("tenant_disabled");
    expect(recorder.sendBatches).toEqual([]);
  });

  it("keeps serving a tenant's cached settings without a D1 query per request", async () => {
    await registerTenant("umbrella");
    expect((await postEvents(envelope([playAux()]), { claims: claimsFor("umbrella"), env: CLOSED })).status).toBe(202);
    const failingDb = new Proxy(env.DB, {
      get: () => {
        throw new Error("D1 was queried");
      },
    });
    const cached = await postEvents(envelope([playAux()]), {
      claims: claimsFor("umbrella"),
      env: { ...CLOSED, DB: failingDb },
    });
    expect(cached.status).toBe(202);
  });
});

describe("tenant state on the read routes", () => {
  const day = new Date().toISOString().slice(0, 10);
  const readPaths = (tenant: string) => [
    "/v1/exports",
    `/v1/exports/days/${day}`,
    `/v1/exports/${tenant}/${day.slice(0, 4)}/${day.slice(0, 7)}/${day}/${day}T0000_000000.000_${crypto.randomUUID()}.jsonl.gz`,
    "/v1/summaries/realtime",
    `/v1/summaries/daily?from=${day}&to=${day}`,
    `/v1/summaries/monthly?from=${day.slice(0, 7)}&to=${day.slice(0, 7)}`,
  ];

  async function read(tenant: string, path: string, overrides: Partial<Env> = {}): Promise<Response> {
    const headers = bearer(await readerToken(tenant, "exports:read"));
    return callWorker(collectorRequest(path, { headers }), overrides);
  }

  async function watch(tenant: string, overrides: Partial<Env> = {}): Promise<Response> {
    const token = await readerToken(tenant, "insights:read");
    const headers = { upgrade: "websocket", "sec-websocket-protocol": `audiogum-live, bearer.${token}` };
    return callWorker(collectorRequest("/v1/live", { headers }), overrides);
  }

  it("refuses an unregistered tenant everywhere when tenancy is closed: 403 unknown_tenant", async () => {
    const stranger = uniqueTenant("stranger");
    for (const path of readPaths(stranger)) {
      const response = await read(stranger, path, CLOSED);
      expect([path, response.status]).toEqual([path, 403]);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unknown_tenant");
    }
    const live = await watch(stranger, CLOSED);
    expect(live.status).toBe(403);
    expect(((await live.json()) as { error: { code: string } }).error.code).toBe("unknown_tenant");
  });

  it("lets a disabled tenant read its exports, summaries and live view, though it may not send", async () => {
    const retired = uniqueTenant("retired");
    await registerTenant(retired, { enabled: false });
    for (const path of readPaths(retired)) {
      const response = await read(retired, path, CLOSED);
      // The made-up file is not there: 404 is the answer of a route that let the tenant in.
      expect([path, response.status]).toEqual([path, path.endsWith(".jsonl.gz") ? 404 : 200]);
    }
    const live = await watch(retired, CLOSED);
    expect(live.status).toBe(101);
    live.webSocket!.accept();
    live.webSocket!.close();
    expect((await postEvents(envelope([playAux()]), { claims: claimsFor(retired), env: CLOSED })).status).toBe(403);
  });
});

describe("geo and IP capture per tenant", () => {
  const cf = { country: "GB", city: "London", colo: "LHR" };
  const headers = { "cf-connecting-ip": "203.0.113.7" };

  it("adds geo by default and never the IP address", async () => {
    await registerTenant("geo-default");
    const recorder = recordingQueue();
    await postEvents(envelope([playAux()]), {
      claims: claimsFor("geo-default"),
      cf,
      headers,
      env: { EVENTS: recorder.queue },
    });
    const [event] = recorder.events();
    expect(event!.geo).toEqual(cf);
    expect(event!).not.toHaveProperty("ip");
  });

  it("leaves geo out for a tenant with geo off", async () => {
    await registerTenant("geo-off", { geo: "off" });
    const recorder = recordingQueue();
    await postEvents(envelope([playAux()]), {
      claims: claimsFor("geo-off"),
      cf,
      headers,
      env: { EVENTS: recorder.queue },
    });
    expect(recorder.events()[0]).not.toHaveProperty("geo");
  });

  it("records the client's IP address for a tenant with IP capture on", async () => {
    await registerTenant("ip-on", { ip: "on" });
    const recorder = recordingQueue();
    await postEvents(envelope([playAux()]), {
      claims: claimsFor("ip-on"),
      cf,
      headers,
      env: { EVENTS: recorder.queue },
    });
    expect(recorder.events()[0]!.ip).toBe("203.0.113.7");
  });
});

describe("custom audio sources", () => {
  const custom = { ...playAux(), source: "tidalconnect" };

  it("rejects a source the document does not list for a tenant without it", async () => {
    await registerTenant("plain-sources");
    const response = await postEvents(envelope([custom]), { claims: claimsFor("plain-sources") });
    expect(response.status).toBe(400);
  });

  it("accepts the tenant's own extra sources in play and profile events", async () => {
    await registerTenant("custom-sources", { extraSources: ["tidalconnect"] });
    const profile = { ...seedEvents().find((event) => event.type === "profileevent")!, source: "tidalconnect" };
    const response = await postEvents(envelope([custom, profile]), { claims: claimsFor("custom-sources") });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, rejected: [] });
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once a device is over its limit, and queues nothing of that request", async () => {
    await registerTenant("busy-fleet");
    await inOneRateWindow(async (run) => {
      const recorder = recordingQueue();
      const limited = { DEVICE_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT, EVENTS: recorder.queue };
      const claims = deviceClaims({ tenant: "busy-fleet", deviceid: `chatty-speaker-${run}` });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        statuses.push((await postEvents(envelope([playAux()]), { claims, env: limited })).status);
      }
      expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(recorder.events()).toHaveLength(3);

      const response = await postEvents(envelope([playAux()]), { claims, env: limited });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await response.json()).toEqual({
        error: { code: "rate_limited", message: expect.any(String), limit: "device" },
      });
    });
  });

  it("limits each device on its own", async () => {
    await registerTenant("two-devices");
    const limited = { DEVICE_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT };
    for (let attempt = 0; attempt < 4; attempt++) {
      await postEvents(envelope([playAux()]), {
        claims: deviceClaims({ tenant: "two-devices", deviceid: "first" }),
        env: limited,
      });
    }
    const other = await postEvents(envelope([playAux()]), {
      claims: deviceClaims({ tenant: "two-devices", deviceid: "second" }),
      env: limited,
    });
    expect(other.status).toBe(202);
  });

  it("answers 429 naming the tenant limit when the whole fleet is over it", async () => {
    await inOneRateWindow(async (run) => {
      const tenant = `big-fleet-${run}`;
      await registerTenant(tenant);
      const limited = { TENANT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT };
      let last: Response | undefined;
      for (let device = 0; device < 5; device++) {
        last = await postEvents(envelope([playAux()]), {
          claims: deviceClaims({ tenant, deviceid: `d${device}` }),
          env: limited,
        });
      }
      expect(last!.status).toBe(429);
      expect(((await last!.json()) as { error: { limit: string } }).error.limit).toBe("tenant");
    });
  });

  it("does not limit a tenant whose tiers are off", async () => {
    await registerTenant("unlimited", { deviceRateTier: "off", tenantRateTier: "off" });
    const limited = { DEVICE_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT, TENANT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT };
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await postEvents(envelope([playAux()]), {
        claims: deviceClaims({ tenant: "unlimited" }),
        env: limited,
      });
      expect(response.status).toBe(202);
    }
  });
});

describe("rate limits by events", () => {
  // TEST_TINY_RATE_LIMIT allows 3 calls a minute: 3 units of EVENTS_PER_LIMIT_UNIT (100) events.
  const hundred = () => Array.from({ length: EVENTS_PER_LIMIT_UNIT }, playAux);

  it("answers 429 limit device_events once a device has sent its events, though under its request limit", async () => {
    await registerTenant("bulk-device");
    await inOneRateWindow(async (run) => {
      const recorder = recordingQueue();
      const limited = { DEVICE_EVENT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT, EVENTS: recorder.queue };
      const claims = deviceClaims({ tenant: "bulk-device", deviceid: `uploader-${run}` });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        statuses.push((await postEvents(envelope(hundred()), { claims, env: limited })).status);
      }
      expect(statuses).toEqual([202, 202, 202]);
      const response = await postEvents(envelope(hundred()), { claims, env: limited });
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("60");
      expect(await response.json()).toEqual({
        error: { code: "rate_limited", message: expect.stringMatching(/too many events/), limit: "device_events" },
      });
      expect(recorder.events()).toHaveLength(300);
      const other = deviceClaims({ tenant: "bulk-device", deviceid: `another-${run}` });
      expect((await postEvents(envelope(hundred()), { claims: other, env: limited })).status).toBe(202);
    });
  });

  it("counts a request of 2,000 events as 20 units: one such request is over a limit of 3", async () => {
    await registerTenant("one-big-batch");
    const limited = { DEVICE_EVENT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT };
    const events = Array.from({ length: 2000 }, playAux);
    const response = await postEvents(envelope(events), { claims: claimsFor("one-big-batch"), env: limited });
    expect(response.status).toBe(429);
  });

  it("answers 429 limit tenant_events when the fleet together is over the tenant's event limit", async () => {
    await inOneRateWindow(async (run) => {
      const tenant = `bulk-fleet-${run}`;
      await registerTenant(tenant);
      const limited = { TENANT_EVENT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT };
      const statuses: number[] = [];
      for (let device = 0; device < 4; device++) {
        const claims = deviceClaims({ tenant, deviceid: `d${device}` });
        const response = await postEvents(envelope(hundred()), { claims, env: limited });
        statuses.push(response.status);
        if (response.status === 429)
          expect(((await response.json()) as { error: { limit: string } }).error.limit).toBe("tenant_events");
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
    });
  });

  it("does not count the events of a tenant whose tiers are off", async () => {
    await registerTenant("unmetered", { deviceRateTier: "off", tenantRateTier: "off" });
    const limited = {
      DEVICE_EVENT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT,
      TENANT_EVENT_RATE_LIMIT: env.TEST_TINY_RATE_LIMIT,
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await postEvents(envelope(hundred()), { claims: claimsFor("unmetered"), env: limited });
      expect(response.status).toBe(202);
    }
  });

  it("counts whole units, and the rest of a unit as the chance of one more call: exact on average", () => {
    expect(limitUnits(2000, () => 0.999)).toBe(20);
    expect(limitUnits(250, () => 0.49)).toBe(3);
    expect(limitUnits(250, () => 0.5)).toBe(2);
    expect(limitUnits(1, () => 0.995)).toBe(0);
    for (const events of [1, 37, 99, 101, 1999]) {
      // Random values spread evenly over [0, 1): the calls add up to exactly the events in units.
      let calls = 0;
      for (let draw = 0; draw < EVENTS_PER_LIMIT_UNIT; draw++)
        calls += limitUnits(events, () => draw / EVENTS_PER_LIMIT_UNIT);
      expect(calls).toBe(events);
    }
  });
});

describe("tenant names and settings named like Object.prototype's members", () => {
  it("a registered tenant named constructor, with custom sources constructor and tostring, is a tenant like any", async () => {
    await registerTenant("constructor", { extraSources: ["constructor", "tostring"] });
    const recorder = recordingQueue();
    const events = ["constructor", "tostring"].map((source) => ({ ...playAux(), source }));
    const response = await postEvents(envelope(events), {
      claims: claimsFor("constructor"),
      env: { ...CLOSED, EVENTS: recorder.queue },
    });
    expect(response.status).toBe(202);
    expect(recorder.events().map((event) => [event.tenant, event.source])).toEqual([
      ["constructor", "constructor"],
      ["constructor", "tostring"],
    ]);
  });

  it("an unregistered tenant named valueof is unknown when tenancy is closed", async () => {
    const response = await postEvents(envelope(seedEvents()), { claims: claimsFor("valueof"), env: CLOSED });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unknown_tenant");
  });

  it("a source named like a member of Object.prototype is not one of the document's sources", async () => {
    const response = await postEvents(envelope([{ ...playAux(), source: "constructor" }]));
    expect(response.status).toBe(400);
  });
});
