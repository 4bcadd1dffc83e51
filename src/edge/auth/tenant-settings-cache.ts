/**
 * A tenant's settings for the edge, read from D1 at most once per TENANT_CACHE_SECONDS per isolate, so a
 * request costs no D1 query. As middleware, after requireScope, it applies the tenant's state and hands the
 * settings to the handlers: an unknown tenant (unless tenancy is open) is refused everywhere (requireKnownTenant);
 * a disabled one may still read what it has (exports, summaries, the live view) but not send
 * (requireEnabledTenant, on ingest).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { readConfig, type TenancyConfig } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { logError } from "../../core/foundation/log.js";
import type { EdgeEnv } from "../edge-env.js";
import {
  DEFAULT_TENANT_SETTINGS,
  settingsFromRow,
  type TenantRow,
  type TenantSettings,
} from "../../core/tenants/tenant-settings.js";

interface CachedSettings {
  /** null: the tenants table has no row for this tenant. */
  settings: TenantSettings | null;
  expiresAt: number;
}

const cache = new Map<string, CachedSettings>();

/** Refuses the principal's tenant when it is unknown; otherwise sets `tenantSettings`, disabled or not. */
export function requireKnownTenant(): MiddlewareHandler<EdgeEnv> {
  return async function requireKnownTenant(c, next) {
    c.set("tenantSettings", await knownTenantSettings(c.env, c.get("principal").tenant));
    await next();
  };
}

/** Refuses the principal's tenant when it is unknown or disabled; otherwise sets `tenantSettings`. */
export function requireEnabledTenant(): MiddlewareHandler<EdgeEnv> {
  return async function requireEnabledTenant(c, next) {
    const tenant = c.get("principal").tenant;
    const settings = await knownTenantSettings(c.env, tenant);
    if (!settings.enabled) {
      throw new CollectorError("tenant_disabled", `Tenant "${tenant}" is disabled; ask the collector's operators.`);
    }
    c.set("tenantSettings", settings);
    await next();
  };
}

async function knownTenantSettings(env: Env, tenant: string): Promise<TenantSettings> {
  const { tenancy } = readConfig(env);
  return (await cachedSettings(env.DB, tenant, tenancy)) ?? openTenancyDefaults(tenant, tenancy);
}

/** For tests and the admin route: forget cached settings so the next request reads D1. */
export function clearTenantSettingsCache(): void {
  cache.clear();
}

async function cachedSettings(db: D1Database, tenant: string, tenancy: TenancyConfig): Promise<TenantSettings | null> {
  const now = Date.now();
  const cached = cache.get(tenant);
  if (cached && cached.expiresAt > now) return cached.settings;
  try {
    const settings = await readTenantSettings(db, tenant);
    cache.set(tenant, { settings, expiresAt: now + tenancy.cacheSeconds * 1000 });
    return settings;
  } catch (error) {
    // A D1 hiccup must not stop ingest for tenants this isolate already knows.
    logError("tenant_settings_error", { tenant }, error);
    if (cached) return cached.settings;
    throw new CollectorError("storage_unavailable", "Tenant settings cannot be read right now; retry later.", {
      cause: error,
    });
  }
}

async function readTenantSettings(db: D1Database, tenant: string): Promise<TenantSettings | null> {
  const row = await db.prepare("SELECT * FROM tenants WHERE tenant = ?").bind(tenant).first<TenantRow>();
  return row ? settingsFromRow(row) : null;
}

function openTenancyDefaults(tenant: string, tenancy: TenancyConfig): TenantSettings {
  if (tenancy.open) return DEFAULT_TENANT_SETTINGS;
  throw new CollectorError("unknown_tenant", `Tenant "${tenant}" is not registered with this collector.`);
}
