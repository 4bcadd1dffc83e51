/**
 * The monthly event quota: the consumer counts each tenant's exported events per UTC month, once each, and the
 * ingest refuses a tenant that has reached its quota with 429 quota_exceeded until the month's end, seeing the
 * count up to TENANT_CACHE_SECONDS late.
 * @module
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { isQuotaUsedUp, secondsUntilNextMonth, utcMonth } from "../../src/core/tenants/monthly-quota.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { acceptedMessageBodies, eventsRequest, senderFor } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { registerTenant, uniqueTenant } from "../support/tenants.js";
import { callWorker } from "../support/worker.js";

afterEach(() => clearTenantSettingsCache());

async function monthEventsOf(tenant: string): Promise<number | undefined> {
  const month = utcMonth(new Date());
  const row = await env.DB.prepare(
    "SELECT SUM(events_exported) AS events FROM tenant_day_usage WHERE tenant = ? AND day BETWEEN ? AND ?",
  )
    .bind(tenant, `${month}-01`, `${month}-31`)
    .first<{ events: number | null }>();
  return row?.events ?? undefined;
}

async function countAs(tenant: string, events: number, month = utcMonth(new Date())): Promise<void> {
  await env.DB.prepare("INSERT INTO tenant_day_usage (tenant, day, events_exported, updated_at) VALUES (?, ?, ?, ?)")
    .bind(tenant, `${month}-15`, events, Date.now())
    .run();
  clearTenantSettingsCache();
}

async function post(tenant: string, overrides: Partial<Env> = {}): Promise<Response> {
  return callWorker(await eventsRequest(senderFor(tenant), seedEvents().slice(0, 2)), overrides);
}

describe("the consumer counts a tenant's exported events per month", () => {
  it("adds each batch's exported events, and never an event twice when it comes again", async () => {
    const sender = senderFor(uniqueTenant("counted"));
    const bodies = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages(bodies));
    expect(await monthEventsOf(sender.tenant)).toBe(seedEvents().length);
    // Redelivered and re-sent: every event is a duplicate, nothing more is counted.
    await deliver(asQueuedMessages(bodies));
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    expect(await monthEventsOf(sender.tenant)).toBe(seedEvents().length);
    const more = seedEvents().map((event) => ({ ...event, sequencenumber: Number(event.sequencenumber) + 1000 }));
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, more)));
    expect(await monthEventsOf(sender.tenant)).toBe(2 * seedEvents().length);
  });
});

describe("a tenant's monthly quota", () => {
  it("is off by default: any count is accepted", async () => {
    const tenant = uniqueTenant("no-quota");
    await registerTenant(tenant);
    await countAs(tenant, 10_000_000);
    expect((await post(tenant)).status).toBe(202);
  });

  it("accepts below the quota", async () => {
    const tenant = uniqueTenant("below");
    await registerTenant(tenant, { quotaMonth: 100 });
    await countAs(tenant, 99);
    expect((await post(tenant)).status).toBe(202);
  });

  it("refuses at the quota with 429 quota_exceeded and Retry-After until the UTC month's end, queueing nothing", async () => {
    const tenant = uniqueTenant("used-up");
    await registerTenant(tenant, { quotaMonth: 100 });
    await countAs(tenant, 100);
    const recorder = recordingQueue();
    const response = await post(tenant, { EVENTS: recorder.queue });
    expect(response.status).toBe(429);
    const untilNextMonth = secondsUntilNextMonth(new Date());
    expect(Math.abs(Number(response.headers.get("retry-after")) - untilNextMonth)).toBeLessThanOrEqual(60);
    expect(await response.json()).toEqual({
      error: { code: "quota_exceeded", message: expect.any(String), quota_month: 100, month: utcMonth(new Date()) },
    });
    // No event is queued; only the request's usage goes out, in its report (OPERATIONS.md, Usage per tenant).
    expect(recorder.events()).toEqual([]);
  });

  it("ignores last month's count", async () => {
    const tenant = uniqueTenant("new-month");
    await registerTenant(tenant, { quotaMonth: 100 });
    await countAs(tenant, 5_000, "2020-01");
    expect((await post(tenant)).status).toBe(202);
  });

  it("end to end: exported events reach the quota, and the edge refuses once its cached count is read again", async () => {
    const sender = senderFor(uniqueTenant("metered"));
    await registerTenant(sender.tenant, { quotaMonth: seedEvents().length });
    // A recording queue, so the pool's own consumer cannot export (and count) these events behind the test's back.
    const unconsumed = { EVENTS: recordingQueue({ forwardTo: null }).queue };
    expect((await post(sender.tenant, unconsumed)).status).toBe(202);
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    // Within TENANT_CACHE_SECONDS the edge still holds the count it read before: enforcement lags by that.
    expect((await post(sender.tenant, unconsumed)).status).toBe(202);
    clearTenantSettingsCache();
    expect((await post(sender.tenant, unconsumed)).status).toBe(429);
  });
});

describe("the quota's month", () => {
  it("ends at the first instant of the next UTC month", () => {
    expect(secondsUntilNextMonth(new Date("2026-11-30T23:59:00Z"))).toBe(60);
    expect(secondsUntilNextMonth(new Date("2026-12-31T23:59:59.500Z"))).toBe(1);
    expect(secondsUntilNextMonth(new Date("2026-02-01T00:00:00Z"))).toBe(28 * 24 * 3600);
    expect(secondsUntilNextMonth(new Date("0099-12-31T00:00:00Z"))).toBe(24 * 3600);
    expect(utcMonth(new Date("2026-11-30T23:59:59.999-01:00"))).toBe("2026-12");
  });

  it("counts as used up only for the month it was counted in", () => {
    const now = new Date("2026-12-01T00:00:05Z");
    expect(isQuotaUsedUp(10, { month: "2026-11", events: 50 }, now)).toBe(false);
    expect(isQuotaUsedUp(10, { month: "2026-12", events: 10 }, now)).toBe(true);
    expect(isQuotaUsedUp(null, { month: "2026-12", events: 10 }, now)).toBe(false);
  });
});
