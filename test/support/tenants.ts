/**
 * Tenants of the tests: a name of each test's own (tests share storage), and rows of the tenants table written
 * the way `npm run tenant` does, with the edge's cached settings forgotten.
 * @module
 */
import { env } from "cloudflare:test";
import {
  columnsOfSettings,
  DEFAULT_TENANT_SETTINGS,
  type TenantSettings,
} from "../../src/core/tenants/tenant-settings.js";
import { clearTenantSettingsCache } from "../../src/edge/auth/tenant-settings-cache.js";

/** Tests share storage: each uses tenants of its own. */
export function uniqueTenant(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

export async function registerTenant(tenant: string, settings: Partial<TenantSettings> = {}): Promise<void> {
  const columns = { ...columnsOfSettings({ ...DEFAULT_TENANT_SETTINGS, ...settings }), updated_at: Date.now() };
  const names = Object.keys(columns);
  await env.DB.prepare(
    `INSERT INTO tenants (tenant, ${names.join(", ")}) VALUES (?, ${names.map(() => "?").join(", ")})
     ON CONFLICT (tenant) DO UPDATE SET ${names.map((name) => `${name} = excluded.${name}`).join(", ")}`,
  )
    .bind(tenant, ...Object.values(columns))
    .run();
  clearTenantSettingsCache();
}
