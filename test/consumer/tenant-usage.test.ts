/**
 * The operator's usage report: the export consumer and the delivery consumer count each tenant's day once per
 * batch (accepted, exported, duplicates dropped, files and bytes exported and delivered, queue operations), the
 * admin routes read a tenant's days and rank tenants by events, each with its estimated cost at the bench's list
 * prices, and a tenant's counts are its own.
 * @module
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { utcDay } from "../../src/core/exports/export-key.js";
import { PRICES } from "../../src/core/usage/list-prices.js";
import { noUsage, USAGE_COUNTERS, type UsageCounts } from "../../src/core/usage/tenant-usage.js";
import { estimateCost, queueOperationsOf } from "../../src/core/usage/usage-cost.js";
import { deliveryMessageBody } from "../../src/delivery/delivery-message.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "../support/deliver.js";
import { addDestination, admin, storageAnswers } from "../support/destinations.js";
import { storeExportFile } from "../support/export-files.js";
import { listKeys } from "../support/export-objects.js";
import { acceptedMessageBodies, envelope, gzip, postEvents, senderFor, type Sender } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { deviceClaims } from "../support/tokens.js";
import { registerTenant } from "../support/tenants.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS } from "../support/time.js";

afterEach(() => {
  vi.restoreAllMocks();
  clearTenantSettingsCache();
});

type Counted = UsageCounts & { estimated_cost: { usd: number; lines: Record<string, number> } };

/** Around today, so a test that runs over midnight (UTC) still reads every day it counted. */
function aroundToday(): string {
  const now = Date.now();
  return `from=${utcDay(new Date(now - DAY_MS))}&to=${utcDay(new Date(now + DAY_MS))}`;
}

async function usageOf(tenant: string): Promise<{ days: Array<Counted & { day: string }>; total: Counted }> {
  const response = await admin("GET", `/admin/tenants/${tenant}/usage?${aroundToday()}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** A later batch of the sender's: the same events with new sequence numbers, so none is a duplicate. */
function moreEvents(offset: number) {
  return seedEvents().map((event) => ({ ...event, sequencenumber: Number(event.sequencenumber) + offset }));
}

async function exportAs(sender: Sender, events: readonly unknown[]): Promise<string[]> {
  const bodies = await acceptedMessageBodies(sender, events);
  await deliver(asQueuedMessages(bodies));
  return bodies;
}

async function exportedBytes(tenant: string): Promise<number> {
  const keys = await listKeys(`${tenant}/`);
  const sizes = await Promise.all(keys.map(async (key) => (await env.EXPORTS.head(key))!.size));
  return sizes.reduce((total, size) => total + size, 0);
}

describe("a tenant's day of usage", () => {
  it("counts what was accepted, exported and dropped as duplicates, once per message", async () => {
    const sender = senderFor(uniqueTenant("usage"));
    const events = seedEvents().length;
    const first = await exportAs(sender, seedEvents());
    // The device re-sends the same request: accepted again, dropped by the export.
    const resent = await exportAs(sender, seedEvents());
    // A batch that fails part way (R2 down) and is retried counts its messages once, when they are acked.
    const later = await acceptedMessageBodies(sender, moreEvents(1000));
    const failingPut = { ...env.EXPORTS, put: () => Promise.reject(new Error("R2 down")) } as unknown as R2Bucket;
    expect(await deliverUntilAcked(asQueuedMessages(later), (n) => (n === 1 ? { EXPORTS: failingPut } : {}))).toBe(2);

    const { days, total } = await usageOf(sender.tenant);
    expect(days).toHaveLength(1);
    const messages = [...first, ...resent, ...later];
    expect(total).toMatchObject({
      events_accepted: 3 * events,
      duplicates_dropped: events,
      events_exported: 2 * events,
      files_exported: 2,
      bytes_exported: await exportedBytes(sender.tenant),
      queue_operations: messages.reduce(
        (sum, body) => sum + queueOperationsOf(new TextEncoder().encode(body).length),
        0,
      ),
      files_delivered: 0,
      bytes_delivered: 0,
    });
    expect(days[0]).toEqual({ day: days[0]!.day, ...total });
    const { estimated_cost: cost, ...counts } = total;
    expect(cost).toEqual(estimateCost(counts));
    expect(cost.usd).toBeGreaterThan(0);
  });

  it("is the tenant's own: another tenant's batches, even in the same consumer batch, count apart", async () => {
    const [a, b] = [senderFor(uniqueTenant("usage-a")), senderFor(uniqueTenant("usage-b"))];
    const bodies = [
      ...(await acceptedMessageBodies(a, seedEvents())),
      ...(await acceptedMessageBodies(b, seedEvents().slice(0, 3))),
    ];
    await deliver(asQueuedMessages(bodies));
    expect((await usageOf(a.tenant)).total).toMatchObject({ events_accepted: seedEvents().length, files_exported: 1 });
    expect((await usageOf(b.tenant)).total).toMatchObject({
      events_accepted: 3,
      events_exported: 3,
      files_exported: 1,
    });
    const nobody = await usageOf(uniqueTenant("usage-none"));
    expect(nobody).toMatchObject({ days: [], total: { ...noUsage(), estimated_cost: { usd: 0 } } });
  });

  it("counts the files and bytes delivered to the tenant's destinations, and a file delivered once only once", async () => {
    const tenant = uniqueTenant("usage-delivered");
    const destination = await addDestination(tenant);
    const files = await Promise.all([1, 2].map(() => storeExportFile(tenant, { writtenAt: new Date() })));
    for (const file of files) {
      await env.DB.prepare(
        "INSERT INTO deliveries (file_key, destination_id, tenant, state, updated_at) VALUES (?1, ?2, ?3, 'pending', 0)",
      )
        .bind(file.key, destination, tenant)
        .run();
    }
    storageAnswers(() => new Response(null, { status: 200 }));
    const messages = asQueuedMessages(files.map((file) => deliveryMessageBody({ file: file.key, destination })));
    expect((await deliver(messages, {}, "audiogum-deliveries")).acked).toHaveLength(2);
    // A duplicate message of a delivered file delivers nothing more.
    await deliver(asQueuedMessages([messages[0]!.body]), {}, "audiogum-deliveries");

    const { total } = await usageOf(tenant);
    expect(total).toMatchObject({ files_delivered: 2, bytes_delivered: files[0]!.size + files[1]!.size });
    expect(total.estimated_cost.lines.r2_class_b).toBeCloseTo((2 / 1e6) * PRICES.r2ClassB.usd, 9);
  });
});

describe("what the edge counts", () => {
  it("counts each request that queues events, with its bytes on the wire and decoded and its rejected events", async () => {
    const tenant = uniqueTenant("usage-edge");
    const recorder = recordingQueue({ forwardTo: null });
    const claims = deviceClaims({ tenant });
    const invalid = { type: "playevent" };
    const plain = envelope([...seedEvents(), invalid, invalid]);
    const zipped = envelope(moreEvents(1000).slice(0, 3));
    const plainText = JSON.stringify(plain);
    const zippedBytes = await gzip(JSON.stringify(zipped));
    const sent = [
      await postEvents(plain, { claims, env: { EVENTS: recorder.queue } }),
      await postEvents(zippedBytes, {
        claims,
        headers: { "content-encoding": "gzip" },
        env: { EVENTS: recorder.queue },
      }),
    ];
    expect(sent.map((response) => response.status)).toEqual([202, 202]);
    await deliver(asQueuedMessages(recorder.bodies()));

    const { total } = await usageOf(tenant);
    const utf8 = (text: string) => new TextEncoder().encode(text).length;
    expect(total).toMatchObject({
      requests: 2,
      events_accepted: seedEvents().length + 3,
      events_rejected: 2,
      events_exported: seedEvents().length + 3,
      wire_bytes: utf8(plainText) + zippedBytes.length,
      decoded_bytes: utf8(plainText) + utf8(JSON.stringify(zipped)),
    });
    expect(total.estimated_cost.lines.workers_requests).toBeCloseTo((2 / 1e6) * PRICES.workersRequests.usd, 9);
  });

  it("counts requests that queue nothing (every event rejected, a 429) through the report the edge flushes", async () => {
    const tenant = uniqueTenant("usage-unqueued");
    await registerTenant(tenant, { quotaMonth: 1 });
    const claims = deviceClaims({ tenant });
    const invalid = envelope([{ type: "playevent" }, { type: "playevent" }]);
    // REQUEST_REPORT_FLUSH_MS is 0 in the tests: each request's kept usage is sent alone once it is answered.
    const recorder = recordingQueue({ forwardTo: null });
    expect((await postEvents(invalid, { claims, env: { EVENTS: recorder.queue } })).status).toBe(400);
    await env.DB.prepare("INSERT INTO tenant_day_usage (tenant, day, events_exported, updated_at) VALUES (?, ?, 1, 0)")
      .bind(tenant, new Date().toISOString().slice(0, 10))
      .run();
    clearTenantSettingsCache();
    expect((await postEvents(invalid, { claims, env: { EVENTS: recorder.queue } })).status).toBe(429);
    await deliver(asQueuedMessages(recorder.bodies()));

    const { total } = await usageOf(tenant);
    const bytes = new TextEncoder().encode(JSON.stringify(invalid)).length;
    expect(total).toMatchObject({
      requests: 2,
      responses_429: 1,
      events_rejected: 2,
      events_accepted: 0,
      wire_bytes: bytes,
      decoded_bytes: bytes,
    });
  });
});

describe("what counting costs", () => {
  it("is one D1 row written per tenant per batch (the day's usage, which the monthly quota sums), whatever the events", async () => {
    const senders = Array.from({ length: 10 }, (_, index) => senderFor(uniqueTenant(`usage-rows-${index}`)));
    const bodies = (
      await Promise.all(
        senders.flatMap((sender) => [
          acceptedMessageBodies(sender, seedEvents()),
          acceptedMessageBodies(sender, moreEvents(1000)),
        ]),
      )
    ).flat();
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    await deliver(asQueuedMessages(bodies));
    const batch = log.mock.calls
      .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
      .find((line) => line.msg === "batch");
    expect(batch).toMatchObject({ messages: 20, events_in: 20 * seedEvents().length, d1_rows_written: 10 });
  });
});

describe("the ranking of tenants", () => {
  it("orders tenants by events accepted over the period, with each one's totals", async () => {
    const [big, small] = [senderFor(uniqueTenant("rank-big")), senderFor(uniqueTenant("rank-small"))];
    await exportAs(small, seedEvents().slice(0, 2));
    await exportAs(big, seedEvents());
    await exportAs(big, moreEvents(1000));

    const response = await admin("GET", `/admin/usage?${aroundToday()}&limit=1000`);
    expect(response.status).toBe(200);
    const { tenants } = (await response.json()) as { tenants: Array<Counted & { rank: number; tenant: string }> };
    const ranks = tenants.map((entry) => entry.rank);
    expect(ranks).toEqual(ranks.map((_, index) => index + 1));
    const accepted = tenants.map((entry) => entry.events_accepted);
    expect(accepted).toEqual([...accepted].sort((x, y) => y - x));
    const bigEntry = tenants.find((entry) => entry.tenant === big.tenant)!;
    const smallEntry = tenants.find((entry) => entry.tenant === small.tenant)!;
    expect(bigEntry.rank).toBeLessThan(smallEntry.rank);
    expect(bigEntry).toMatchObject({ events_accepted: 2 * seedEvents().length, files_exported: 2 });
    expect(smallEntry).toMatchObject({ events_accepted: 2, files_exported: 1 });
  });

  it("answers at most limit tenants", async () => {
    await exportAs(senderFor(uniqueTenant("rank-limit")), seedEvents().slice(0, 1));
    const response = await admin("GET", `/admin/usage?${aroundToday()}&limit=1`);
    expect(((await response.json()) as { tenants: unknown[] }).tenants).toHaveLength(1);
  });
});

describe("the usage routes' queries", () => {
  it.each([
    ["/admin/tenants/t/usage?from=2026-11-02&to=2026-11-01", /after/],
    ["/admin/tenants/t/usage?from=2024-01-01&to=2026-01-01", /at most 366/],
    ["/admin/tenants/t/usage?from=2026-02-30", /from/],
    ["/admin/tenants/t/usage?month=2026-11", /Unknown parameter month/],
    ["/admin/tenants/Not_A_Tenant/usage", /tenant/],
    ["/admin/usage?limit=0", /limit/],
  ])("%s is 400 invalid_query", async (path, message) => {
    const response = await admin("GET", path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_query");
    expect(body.error.message).toMatch(message);
  });

  it("take the current UTC month up to today by default, and need the admin token", async () => {
    const response = await admin("GET", "/admin/tenants/t/usage");
    const today = utcDay(new Date());
    expect(await response.json()).toMatchObject({ from: `${today.slice(0, 7)}-01`, to: today });
    expect((await admin("GET", "/admin/usage", undefined, { authorization: "Bearer wrong" })).status).toBe(401);
  });
});

describe("the estimated cost", () => {
  it("prices each counted unit at the list price, and nothing else", () => {
    const counts = {
      ...noUsage(),
      requests: 2_000_000,
      queue_operations: 3_000_000,
      files_exported: 1_000,
      files_delivered: 1_000_000,
      bytes_exported: 2e9,
    };
    expect(estimateCost(counts)).toEqual({
      usd: 2.1945,
      lines: {
        workers_requests: 0.6,
        queue_operations: 1.2,
        r2_class_a: 0.0045,
        r2_class_b: 0.36,
        r2_storage_month: 0.03,
      },
    });
    expect(USAGE_COUNTERS).toContain("responses_429");
  });

  it("counts a queue message's operations per 64 KB", () => {
    expect(queueOperationsOf(1_000)).toBe(3);
    expect(queueOperationsOf(63_900)).toBe(3);
    expect(queueOperationsOf(63_901)).toBe(6);
  });
});
