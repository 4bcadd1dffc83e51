/**
 * The tenant's IP and geo settings (docs/privacy.md): `--ip truncated` keeps only the client's network, and the
 * full address is in neither the message the edge queues nor the export line the consumer writes; `--geo
 * country` keeps the country and continent only. A tenant that set neither exports what it always did.
 * @module
 */
import { afterEach, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import type { TenantSettings } from "../../src/core/tenants/tenant-settings.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { listKeys, readExportText } from "../support/export-objects.js";
import { envelope, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { registerTenant, uniqueTenant } from "../support/tenants.js";
import { deviceClaims } from "../support/tokens.js";
import { LONDON_CF } from "../support/edge-location.js";

afterEach(() => clearTenantSettingsCache());

interface Sent {
  /** The message bodies the edge queued, as text. */
  queued: string;
  /** Every line of the tenant's export files, as text. */
  exported: string;
  events: Record<string, unknown>[];
}

/** Posts three events from `address` for a new tenant with `settings`, then exports what was queued. */
async function sendAndExport(settings: Partial<TenantSettings>, address: string): Promise<Sent> {
  const tenant = uniqueTenant("ipgeo");
  await registerTenant(tenant, settings);
  const recorder = recordingQueue({ forwardTo: null });
  const response = await postEvents(envelope(seedEvents().slice(0, 3)), {
    claims: deviceClaims({ tenant }),
    headers: { "cf-connecting-ip": address },
    cf: LONDON_CF,
    env: { EVENTS: recorder.queue },
  });
  expect(response.status).toBe(202);
  await deliver(asQueuedMessages(recorder.bodies()));
  const keys = await listKeys(`${tenant}/`);
  expect(keys).toHaveLength(1);
  const exported = await readExportText(keys[0]!);
  const events = exported
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(events).toHaveLength(3);
  return { queued: recorder.bodies().join("\n"), exported, events };
}

describe("a tenant with truncated IPs", () => {
  it.each([
    ["an IPv4 address", "203.0.113.77", ["203.0.113.77"], "203.0.113.0"],
    ["an IPv6 address", "2001:db8:1:abcd:ef01:2345:6789:fedc", ["1:abcd:ef01", "2345:6789:fedc"], "2001:db8:1::"],
    ["a compressed IPv6 address", "2001:db8:1:abcd::fedc", ["1:abcd::fedc", "::fedc"], "2001:db8:1::"],
    ["an IPv4-mapped IPv6 address", "::ffff:203.0.113.77", ["203.0.113.77"], "203.0.113.0"],
    ["an IPv4-mapped IPv6 address in hex", "::ffff:cb00:714d", ["cb00:714d", "714d"], "203.0.113.0"],
  ])("never queues or exports the full address of %s, only its network", async (_, address, secrets, network) => {
    const sent = await sendAndExport({ ip: "truncated" }, address);
    for (const secret of secrets) {
      expect(sent.queued).not.toContain(secret);
      expect(sent.exported).not.toContain(secret);
    }
    for (const event of sent.events) expect(event.ip).toBe(network);
  });

  it("records nothing when the address is not one", async () => {
    const sent = await sendAndExport({ ip: "truncated" }, "not-an-address");
    expect(sent.queued).not.toContain("not-an-address");
    for (const event of sent.events) expect(event).not.toHaveProperty("ip");
  });
});

describe("a tenant with geo country", () => {
  it("exports the country and continent, and none of region, city, postcode, coordinates, time zone or colo", async () => {
    const sent = await sendAndExport({ geo: "country" }, "203.0.113.77");
    for (const event of sent.events) expect(event.geo).toEqual({ country: "GB", continent: "EU" });
    for (const finer of ["England", "ENG", "London", "EC1A", "51.50799", "-0.12806", "Europe/London", "LHR"]) {
      expect(sent.queued).not.toContain(finer);
      expect(sent.exported).not.toContain(finer);
    }
  });
});

describe("the defaults, and the other values", () => {
  it("export every geo field and no IP address", async () => {
    const sent = await sendAndExport({}, "203.0.113.77");
    for (const event of sent.events) {
      // Every field, as test/edge/enrichment.test.ts maps them.
      expect(Object.keys(event.geo as object)).toHaveLength(Object.keys(LONDON_CF).length);
      expect(event).not.toHaveProperty("ip");
    }
    expect(sent.exported).not.toContain("203.0.113");
  });

  it("export the full address with ip on, and no geo with geo off", async () => {
    const sent = await sendAndExport({ ip: "on", geo: "off" }, "2001:db8:1:2::77");
    for (const event of sent.events) {
      expect(event.ip).toBe("2001:db8:1:2::77");
      expect(event).not.toHaveProperty("geo");
    }
  });
});
