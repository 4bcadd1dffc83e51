/**
 * `npm run tenant -- usage`: its arguments (a tenant or none, the month as a period of days, the collector), and
 * what it asks the admin routes and prints, against a stand-in collector on loopback.
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { noUsage } from "../../src/core/usage/tenant-usage.js";
import { estimateCost } from "../../src/core/usage/usage-cost.js";
import { UsageError } from "../../scripts/lib/cli.js";
import { monthDays, parseUsageCommand, runUsageCommand } from "../../scripts/tenant/usage.js";

const NOW = new Date("2026-11-30T12:00:00Z");
const TARGET = ["--url", "http://127.0.0.1:9/", "--token", "admin-secret"];

afterEach(() => vi.restoreAllMocks());

describe("the usage command's arguments", () => {
  it("take a tenant and the current UTC month by default", () => {
    expect(parseUsageCommand(["acme", ...TARGET], NOW)).toEqual({
      tenant: "acme",
      from: "2026-11-01",
      to: "2026-11-30",
      target: { url: "http://127.0.0.1:9", token: "admin-secret" },
    });
  });

  it("rank every tenant without one", () => {
    expect(parseUsageCommand(["--month", "2026-02", ...TARGET], NOW)).toMatchObject({
      tenant: undefined,
      from: "2026-02-01",
      to: "2026-02-28",
    });
  });

  it("know each month's last day", () => {
    expect(monthDays("2024-02", NOW)).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(monthDays("2026-12", NOW)).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    expect(monthDays(undefined, new Date("2027-01-01T00:00:00Z"))).toEqual({ from: "2027-01-01", to: "2027-01-31" });
  });

  it.each([
    [["acme", "--month", "2026-13", ...TARGET], /--month takes/],
    [["acme", "--month", "11-2026", ...TARGET], /--month takes/],
    [["acme", "--month", "2026-1", ...TARGET], /--month takes/],
    [["acme", "other", ...TARGET], /at most one tenant/],
    [["acme", "--day", "2026-11-01", ...TARGET], /day/],
    [["acme", "--month"], /month/],
  ])("refuse %j as bad usage", (argv, message) => {
    expect(() => parseUsageCommand(argv, NOW)).toThrow(UsageError);
    expect(() => parseUsageCommand(argv, NOW)).toThrow(message);
  });
});

describe("the usage command", () => {
  it("asks the tenant's usage route for the month and prints a row per day and the total", async () => {
    const counts = { ...noUsage(), requests: 4, events_accepted: 40, events_exported: 38, duplicates_dropped: 2 };
    const counted = { ...counts, estimated_cost: estimateCost(counts) };
    const asked: Array<{ path: string | undefined; authorization: string | undefined }> = [];
    const server = createServer((request, response) => {
      asked.push({ path: request.url, authorization: request.headers.authorization });
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ days: [{ day: "2026-11-03", ...counted }], total: counted, prices_as_of: "x" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const table = vi.spyOn(console, "table").mockImplementation(() => undefined);
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await runUsageCommand(["acme", "--month", "2026-11", "--url", url, "--token", "admin-secret"])).toBe(0);
    } finally {
      server.close();
    }
    expect(asked).toEqual([
      { path: "/admin/tenants/acme/usage?from=2026-11-01&to=2026-11-30", authorization: "Bearer admin-secret" },
    ]);
    const rows = table.mock.calls[0]![0] as Array<Record<string, unknown>>;
    expect(rows.map((row) => row.day)).toEqual(["2026-11-03", "total"]);
    expect(rows[1]).toMatchObject({ requests: 4, accepted: 40, exported: 38, duplicates: 2 });
  });
});
