import { afterEach, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";
import { envelope, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { registerTenant } from "../support/tenants.js";
import { deviceClaims } from "../support/tokens.js";

const ANDROID_APP = "Dalvik/2.1.0 (Linux; U; Android 13; SM-G991B Build/TP1A.220624.014)";

afterEach(() => clearTenantSettingsCache());

async function queuedWith(tenant: string, headers: Record<string, string>): Promise<Record<string, unknown>[]> {
  const recorder = recordingQueue();
  const response = await postEvents(envelope(seedEvents().slice(0, 3)), {
    claims: deviceClaims({ tenant }),
    headers,
    env: { EVENTS: recorder.queue },
  });
  expect(response.status).toBe(202);
  return recorder.events();
}

describe("the device's user agent, per tenant", () => {
  it("is in every event of a tenant with user agents on: the header and what it says of the device", async () => {
    await registerTenant("ua-on", { userAgent: true });
    const events = await queuedWith("ua-on", { "user-agent": ANDROID_APP });
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event.useragent).toBe(ANDROID_APP);
      expect(event.useragentparsed).toEqual({
        os: "Android",
        osversion: "13",
        device: "Samsung SM-G991B",
        client: "Dalvik 2.1.0",
      });
    }
  });

  it("is in no event of a tenant with user agents off, the default", async () => {
    await registerTenant("ua-default");
    const [event] = await queuedWith("ua-default", { "user-agent": ANDROID_APP });
    expect(event).not.toHaveProperty("useragent");
    expect(event).not.toHaveProperty("useragentparsed");
  });

  it("is cut to 512 bytes (test/core/user-agent.test.ts: never inside a character)", async () => {
    await registerTenant("ua-long", { userAgent: true });
    const [event] = await queuedWith("ua-long", { "user-agent": `Audiogum/2.3 (${"x".repeat(1000)})` });
    expect(event!.useragent).toBe(`Audiogum/2.3 (${"x".repeat(1000)})`.slice(0, 512));
  });

  it("is left out when the request sends no User-Agent", async () => {
    await registerTenant("ua-none", { userAgent: true });
    const [event] = await queuedWith("ua-none", { "user-agent": "" });
    expect(event).not.toHaveProperty("useragent");
    expect(event).not.toHaveProperty("useragentparsed");
  });

  it("cannot be set by a device in an event's fields", async () => {
    await registerTenant("ua-spoof", { userAgent: false });
    const recorder = recordingQueue();
    const spoofed = { ...seedEvents()[0], useragent: "forged", useragentparsed: { os: "forged" } };
    await postEvents(envelope([spoofed]), {
      claims: deviceClaims({ tenant: "ua-spoof" }),
      env: { EVENTS: recorder.queue },
    });
    expect(recorder.events()[0]).not.toHaveProperty("useragent");
    expect(recorder.events()[0]).not.toHaveProperty("useragentparsed");
  });
});
