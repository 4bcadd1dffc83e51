/**
 * A tenant's settings for the edge, and its events exported this month (for its monthly quota), read from D1 in
 * one query at most once per TENANT_CACHE_SECONDS per isolate, so a request costs no D1 query. As middleware, after requireScope, it applies the tenant's state and hands the
 * settings to the handlers: an unknown tenant (unless tenancy is open) is refused everywhere (requireKnownTenant);
 * a disabled one may still read what it has (exports, summaries, the live view) but not send
 * (requireEnabledTenant, on ingest).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { readConfig, type TenancyConfig } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { logError } from "../../core/foundation/log.js";
import { type MonthEvents, utcMonth } from "../../core/tenants/monthly-quota.js";
import type { EdgeEnv } from "../edge-env.js";
import {
  DEFAULT_TENANT_SETTINGS,
  settingsFromRow,
  type TenantRow,
  type TenantSettings,
} from "../../core/tenants/tenant-settings.js";

/** What an isolate knows of a tenant: its settings (null: no row in the tenants table) and its events this month. */
interface TenantRecord {
  settings: TenantSettings | null;
  monthEvents: MonthEvents;
}

interface CachedRecord extends TenantRecord {
  expiresAt: number;
}

const cache = new Map<string, CachedRecord>();

/**
 * Refuses the principal's tenant when it is unknown; otherwise sets `tenantSettings` (disabled or not) and
 * `monthEvents`.
 */
export function requireKnownTenant(): MiddlewareHandler<EdgeEnv> {
  return async function requireKnownTenant(c, next) {
    const { settings, monthEvents } = await knownTenant(c.env, c.get("principal").tenant);
    c.set("tenantSettings", settings);
    c.set("monthEvents", monthEvents);
    await next();
  };
}

/** Refuses the principal's tenant when it is unknown or disabled; otherwise sets `tenantSettings` and `monthEvents`. */
export function requireEnabledTenant(): MiddlewareHandler<EdgeEnv> {
  return async function requireEnabledTenant(c, next) {
    const tenant = c.get("principal").tenant;
    const { settings, monthEvents } = await knownTenant(c.env, tenant);
    if (!settings.enabled) {
      throw new CollectorError("tenant_disabled", `Tenant "${tenant}" is disabled; ask the collector's operators.`);
    }
    c.set("tenantSettings", settings);
    c.set("monthEvents", monthEvents);
    await next();
  };
}

async function knownTenant(env: Env, tenant: string): Promise<{ settings: TenantSettings; monthEvents: MonthEvents }> {
  const { tenancy } = readConfig(env);
  const record = await cachedRecord(env.DB, tenant, tenancy);
  return { settings: record.settings ?? openTenancyDefaults(tenant, tenancy), monthEvents: record.monthEvents };
}

/** For tests and the admin route: forget cached settings so the next request reads D1. */
export function clearTenantSettingsCache(): void {
  cache.clear();
}

async function cachedRecord(db: D1Database, tenant: string, tenancy: TenancyConfig): Promise<TenantRecord> {
  const now = Date.now();
  const cached = cache.get(tenant);
  if (cached && cached.expiresAt > now) return cached;
  try {
    const record = await readTenantRecord(db, tenant, new Date(now));
    cache.set(tenant, { ...record, expiresAt: now + tenancy.cacheSeconds * 1000 });
    return record;
  } catch (error) {
    // A D1 hiccup must not stop ingest for tenants this isolate already knows.
    logError("tenant_settings_error", { tenant }, error);
    if (cached) return cached;
    throw new CollectorError("storage_unavailable", "Tenant settings cannot be read right now; retry later.", {
      cause: error,
    });
  }
}

/**
 * The tenant's row and its events exported this UTC month, in one query: the month's count is the sum of its
 * day usage rows (at most 31, read through the table's (tenant, day) key), so the consumer writes one row per
 * tenant per batch for both the usage report and the quota.
 */
async function readTenantRecord(db: D1Database, tenant: string, now: Date): Promise<TenantRecord> {
  const month = utcMonth(now);
  const row = await db
    .prepare(
      `SELECT tenants.*, (SELECT SUM(events_exported) FROM tenant_day_usage
         WHERE tenant_day_usage.tenant = tenants.tenant AND day BETWEEN ?2 AND ?3) AS month_events
       FROM tenants WHERE tenants.tenant = ?1`,
    )
    .bind(tenant, `${month}-01`, `${month}-31`)
    .first<TenantRow & { month_events: number | null }>();
  return {
    settings: row ? settingsFromRow(row) : null,
    monthEvents: { month, events: row?.month_events ?? 0 },
  };
}

function openTenancyDefaults(tenant: string, tenancy: TenancyConfig): TenantSettings {
  if (tenancy.open) return DEFAULT_TENANT_SETTINGS;
  throw new CollectorError("unknown_tenant", `Tenant "${tenant}" is not registered with this collector.`);
}
