import { describe, expect, it } from "vitest";
import {
  columnsOfSettings,
  DEFAULT_TENANT_SETTINGS,
  GEO_SETTINGS,
  IP_SETTINGS,
  settingsFromRow,
  type TenantRow,
} from "../../src/core/tenants/tenant-settings.js";
import { addTenantSql, setTenantSql } from "../../scripts/lib/tenant-sql.js";

describe("the SQL of npm run tenant", () => {
  it("adds a tenant with every setting as a literal and does nothing if it exists", () => {
    const sql = addTenantSql("acme", { ...DEFAULT_TENANT_SETTINGS, extraSources: ["tidalconnect"] }, 1700000000000);
    expect(sql).toBe(
      "INSERT INTO tenants (tenant, enabled, geo, geo_country_only, ip_capture, ip_truncated, user_agent, extra_sources, device_rate_tier, tenant_rate_tier, parquet, quota_month, updated_at) " +
        "VALUES ('acme', 1, 1, 0, 0, 0, 0, '[\"tidalconnect\"]', 'standard', 'standard', 0, NULL, 1700000000000) ON CONFLICT (tenant) DO NOTHING RETURNING tenant;",
    );
  });

  it("changes only the settings given", () => {
    expect(setTenantSql("acme", { geo: "off", ip: "on" }, 5)).toBe(
      "UPDATE tenants SET geo = 0, geo_country_only = 0, ip_capture = 1, ip_truncated = 0, updated_at = 5 WHERE tenant = 'acme' RETURNING tenant;",
    );
    expect(setTenantSql("acme", { userAgent: true }, 6)).toBe(
      "UPDATE tenants SET user_agent = 1, updated_at = 6 WHERE tenant = 'acme' RETURNING tenant;",
    );
  });

  it("writes truncated IPs and country-only geo with the old column at 0, so an older Worker records neither", () => {
    expect(setTenantSql("acme", { ip: "truncated", geo: "country" }, 5)).toBe(
      "UPDATE tenants SET geo = 0, geo_country_only = 1, ip_capture = 0, ip_truncated = 1, updated_at = 5 WHERE tenant = 'acme' RETURNING tenant;",
    );
  });

  it("reads back every value of the IP and geo settings from the columns it writes", () => {
    for (const ip of IP_SETTINGS) {
      for (const geo of GEO_SETTINGS) {
        const settings = { ...DEFAULT_TENANT_SETTINGS, ip, geo };
        const row = { ...columnsOfSettings(settings), tenant: "acme", updated_at: 1 } as unknown as TenantRow;
        expect(settingsFromRow(row)).toEqual(settings);
      }
    }
  });

  it("reads a row of before migration 0014 (no ip_truncated, no geo_country_only) as it was", () => {
    const { ip_truncated, geo_country_only, ...old } = columnsOfSettings({ ...DEFAULT_TENANT_SETTINGS, ip: "on" });
    expect(settingsFromRow({ ...old, tenant: "acme", updated_at: 1 } as unknown as TenantRow)).toMatchObject({
      ip: "on",
      geo: "on",
    });
  });

  it("turns the Parquet compaction on", () => {
    expect(setTenantSql("acme", { parquet: true }, 5)).toBe(
      "UPDATE tenants SET parquet = 1, updated_at = 5 WHERE tenant = 'acme' RETURNING tenant;",
    );
  });

  it("sets a monthly quota as a whole number, and takes it away as NULL", () => {
    expect(setTenantSql("acme", { quotaMonth: 1_000_000 }, 7)).toBe(
      "UPDATE tenants SET quota_month = 1000000, updated_at = 7 WHERE tenant = 'acme' RETURNING tenant;",
    );
    expect(setTenantSql("acme", { quotaMonth: null }, 8)).toBe(
      "UPDATE tenants SET quota_month = NULL, updated_at = 8 WHERE tenant = 'acme' RETURNING tenant;",
    );
    for (const quotaMonth of [0, -5, 1.5, 2 ** 53]) expect(() => setTenantSql("acme", { quotaMonth }, 1)).toThrow();
  });

  it("refuses tenant names and sources that could break out of a literal", () => {
    expect(() => setTenantSql("acme'; DROP TABLE tenants; --", { geo: "off" }, 1)).toThrow(/not a valid tenant/);
    expect(() => setTenantSql("acme", { extraSources: ["x'); DROP TABLE tenants; --"] }, 1)).toThrow();
  });

  it("refuses a change with nothing in it", () => {
    expect(() => setTenantSql("acme", {}, 1)).toThrow(/Nothing to change/);
  });
});
