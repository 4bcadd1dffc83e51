/**
 * GET /v1/summaries/{realtime,daily,monthly}: who may read them, what they answer, and the queries they refuse.
 * @module
 */
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { summarySchema } from "../../src/core/insights/insight-summary-schema.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { uniqueTenant } from "../support/tenants.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { readerToken } from "../support/tokens.js";
import { summaryOf } from "../support/summaries.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const today = () => new Date().toISOString().slice(0, 10);

async function get(path: string, token: string | null): Promise<Response> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return callWorker(collectorRequest(`/v1/summaries/${path}`, { headers }));
}

describe("who may read summaries", () => {
  it.each(["insights:read", "exports:read", "events:write insights:read"])("a token with %s", async (scope) => {
    const response = await get("realtime", await readerToken("acme", scope));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("not a device token with events:write alone (403 insufficient_scope naming both scopes)", async () => {
    const response = await get("daily", await readerToken("acme", "events:write"));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "insufficient_scope" } });
    expect(response.headers.get("www-authenticate")).toContain('scope="insights:read exports:read"');
  });

  it("not a request without a token (401)", async () => {
    const response = await get("monthly", null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("only the token's own tenant: another tenant's events never show", async () => {
    const sender = senderFor(uniqueTenant("mine"));
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    const other = uniqueTenant("theirs");

    expect((await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`)).totals.events).toBe(
      seedEvents().length,
    );
    expect((await summaryOf(other, `daily?from=${today()}&to=${today()}`)).totals.events).toBe(0);
    expect((await summaryOf(other, "realtime")).totals.events).toBe(0);
  });
});

describe("what the summaries answer", () => {
  it("realtime: the last 60 minutes, one period per minute ending with the current one", async () => {
    const before = new Date().toISOString().slice(0, 16);
    const summary = await summaryOf(uniqueTenant("shape"), "realtime");
    const after = new Date().toISOString().slice(0, 16);
    expect(summary.view).toBe("realtime");
    expect(summary.periods).toHaveLength(60);
    expect([before, after]).toContain(summary.to);
    expect(summary.periods.every((period) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(period.period))).toBe(true);
    expect(summary.standard_error).toBeCloseTo(0.023, 3);
  });

  it("daily: the last 30 days by default, today last; or the days asked for", async () => {
    const tenant = uniqueTenant("shape");
    const byDefault = await summaryOf(tenant, "daily");
    expect(byDefault.periods).toHaveLength(30);
    expect(byDefault.to).toBe(today());
    const asked = await summaryOf(tenant, "daily?from=2024-02-27&to=2024-03-01");
    expect(asked.periods.map((period) => period.period)).toEqual([
      "2024-02-27",
      "2024-02-28",
      "2024-02-29",
      "2024-03-01",
    ]);
    expect((await summaryOf(tenant, "daily?from=2024-01-01&to=2024-03-30")).periods).toHaveLength(90);
  });

  it("monthly: the last 12 months by default, this month last; or the months asked for", async () => {
    const tenant = uniqueTenant("shape");
    const byDefault = await summaryOf(tenant, "monthly");
    expect(byDefault.periods).toHaveLength(12);
    expect(byDefault.to).toBe(today().slice(0, 7));
    const asked = await summaryOf(tenant, "monthly?from=2025-11&to=2026-02");
    expect(asked.periods.map((period) => period.period)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
  });

  it("monthly: years before 100 are themselves, not 1900 to 1999, and the earliest range stops at 0000-01", async () => {
    const tenant = uniqueTenant("ancient");
    const periods = async (query: string) => (await summaryOf(tenant, query)).periods.map((period) => period.period);
    expect(await periods("monthly?from=0099-11&to=0100-02")).toEqual(["0099-11", "0099-12", "0100-01", "0100-02"]);
    expect(await periods("monthly?from=0050-01&to=0050-02")).toEqual(["0050-01", "0050-02"]);
    expect(await periods("monthly?to=0000-03")).toEqual(["0000-01", "0000-02", "0000-03"]);
    expect(await periods("daily?to=0000-01-03")).toEqual(["0000-01-01", "0000-01-02", "0000-01-03"]);
    expect(await periods("daily?from=0099-12-31&to=0100-01-01")).toEqual(["0099-12-31", "0100-01-01"]);
  });

  it("monthly: the last months of year 9999 (the next month has no yyyy-mm)", async () => {
    const summary = await summaryOf(uniqueTenant("last"), "monthly?from=9999-01&to=9999-12");
    expect(summary.periods).toHaveLength(12);
    expect(summary.to).toBe("9999-12");
  });

  it("an empty period has zeros and an empty object for every dimension", async () => {
    const summary = await summaryOf(uniqueTenant("empty"), "daily?from=2024-05-01&to=2024-05-01");
    expect(summary.periods[0]).toEqual({
      period: "2024-05-01",
      events: 0,
      users: 0,
      devices: 0,
      by: { type: {}, play_action: {}, play_source: {}, country: {}, platform: {}, device_model: {} },
    });
    expect(summarySchema.parse(summary)).toEqual(summary);
  });
});

describe("queries the summaries refuse with 400 invalid_query", () => {
  it.each([
    ["daily?from=2024-01-01&to=2024-03-31", /at most 90 days/],
    ["daily?from=2024-03-02&to=2024-03-01", /after/],
    ["daily?from=2024-02-30", /YYYY-MM-DD/],
    ["daily?day=2024-02-01", /Unknown parameter day/],
    ["daily?from=2024-02-01&from=2024-02-02", /more than once/],
    ["monthly?from=2025-01&to=2026-01", /at most 12 months/],
    ["monthly?from=2025-13", /YYYY-MM/],
    ["monthly?from=2026-02&to=2026-01", /after/],
    ["realtime?from=2026-01-01", /Unknown parameter from/],
    ["daily?time=device", /time must be received or event; got "device"/],
    ["daily?time=", /time must be received or event/],
    ["monthly?time=Event", /time must be received or event; got "Event"/],
    ["daily?time=event&time=received", /time is given more than once/],
    ["realtime?time=event", /time must be received on the realtime summary/],
  ])("%s", async (path, message) => {
    const response = await get(path, await readerToken("acme", "insights:read"));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_query");
    expect(body.error.message).toMatch(message);
  });
});
