/**
 * Tenants of the tests: a name of each test's own (tests share storage), and rows of the tenants table written
 * the way `npm run tenant` does, with the edge's cached settings forgotten.
 * @module
 */
import { env } from "cloudflare:test";
import { DEFAULT_TENANT_SETTINGS, type TenantSettings } from "../../src/core/tenants/tenant-settings.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";

/** Tests share storage: each uses tenants of its own. */
export function uniqueTenant(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

export async function registerTenant(tenant: string, settings: Partial<TenantSettings> = {}): Promise<void> {
  const merged = { ...DEFAULT_TENANT_SETTINGS, ...settings };
  await env.DB.prepare(
    `INSERT INTO tenants (tenant, enabled, geo, ip_capture, user_agent, extra_sources, device_rate_tier,
       tenant_rate_tier, parquet, quota_month, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant) DO UPDATE SET enabled = excluded.enabled, geo = excluded.geo,
       ip_capture = excluded.ip_capture, user_agent = excluded.user_agent, extra_sources = excluded.extra_sources,
       device_rate_tier = excluded.device_rate_tier, tenant_rate_tier = excluded.tenant_rate_tier,
       parquet = excluded.parquet, quota_month = excluded.quota_month, updated_at = excluded.updated_at`,
  )
    .bind(
      tenant,
      merged.enabled ? 1 : 0,
      merged.geo ? 1 : 0,
      merged.ipCapture ? 1 : 0,
      merged.userAgent ? 1 : 0,
      JSON.stringify(merged.extraSources),
      merged.deviceRateTier,
      merged.tenantRateTier,
      merged.parquet ? 1 : 0,
      merged.quotaMonth,
      Date.now(),
    )
    .run();
  clearTenantSettingsCache();
}
