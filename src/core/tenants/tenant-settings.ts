/**
 * What each tenant may do: enabled, geo (and how precise), IP capture (full or truncated), user-agent capture, custom audio sources, its rate-limit tiers,
 * whether its closed days are compacted to Parquet, and its monthly event quota.
 * One schema for the D1 row, the admin command and the edge, with the defaults an open-tenancy tenant gets.
 * @module
 */
import { z } from "zod";
import { AUDIO_SOURCES } from "../events/schemas/events.js";

export const RATE_TIERS = ["standard", "high", "off"] as const;
export type RateTier = (typeof RATE_TIERS)[number];

/** Geo in each event: every field Cloudflare gives, only the country and continent, or none. */
export const GEO_SETTINGS = ["on", "country", "off"] as const;
export type GeoSetting = (typeof GEO_SETTINGS)[number];

/** The client's IP address in each event: as seen, cut to its network (src/core/privacy/client-ip.ts), or none. */
export const IP_SETTINGS = ["on", "truncated", "off"] as const;
export type IpSetting = (typeof IP_SETTINGS)[number];

/** A custom source is a short lower-case word, like the document's own (e.g. "tidalconnect"). */
export const CUSTOM_SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const tenantSettingsSchema = z.object({
  enabled: z.boolean(),
  geo: z.enum(GEO_SETTINGS),
  ip: z.enum(IP_SETTINGS),
  /** The request's User-Agent and what it says of the device in each exported event. */
  userAgent: z.boolean(),
  extraSources: z
    .array(z.string().regex(CUSTOM_SOURCE_PATTERN))
    .refine((sources) => sources.every((source) => !(AUDIO_SOURCES as readonly string[]).includes(source)), {
      error: "extra sources must not repeat the document's own sources",
    }),
  deviceRateTier: z.enum(RATE_TIERS),
  tenantRateTier: z.enum(RATE_TIERS),
  /** Compact each closed day to Parquet (docs/exports.md). */
  parquet: z.boolean(),
  /** Events the tenant may have exported in a UTC month; null for no quota (src/core/tenants/monthly-quota.ts). */
  quotaMonth: z.int().positive().max(Number.MAX_SAFE_INTEGER).nullable(),
});

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  enabled: true,
  geo: "on",
  ip: "off",
  userAgent: false,
  extraSources: [],
  deviceRateTier: "standard",
  tenantRateTier: "standard",
  parquet: false,
  quotaMonth: null,
};

/** A row of the tenants table as D1 returns it. */
export interface TenantRow {
  tenant: string;
  enabled: number;
  /** 1: every geo field (geo on); 0 with geo_country_only 0: no geo. */
  geo: number;
  /** 1: the country and continent only, with geo 0 (migration 0014; absent before it). */
  geo_country_only?: number;
  /** 1: the full address (ip on); 0 with ip_truncated 0: no address. */
  ip_capture: number;
  /** 1: the address cut to its network, with ip_capture 0 (migration 0014; absent before it). */
  ip_truncated?: number;
  user_agent: number;
  extra_sources: string;
  device_rate_tier: string;
  tenant_rate_tier: string;
  parquet: number;
  /** Absent before migration 0013 is applied. */
  quota_month?: number | null;
  updated_at: number;
}

export function settingsFromRow(row: TenantRow): TenantSettings {
  return tenantSettingsSchema.parse({
    enabled: row.enabled === 1,
    geo: row.geo_country_only === 1 ? "country" : row.geo === 1 ? "on" : "off",
    ip: row.ip_truncated === 1 ? "truncated" : row.ip_capture === 1 ? "on" : "off",
    userAgent: row.user_agent === 1,
    extraSources: JSON.parse(row.extra_sources) as unknown,
    deviceRateTier: row.device_rate_tier,
    tenantRateTier: row.tenant_rate_tier,
    parquet: row.parquet === 1,
    quotaMonth: row.quota_month ?? null,
  });
}

/** A value of a tenants column: INTEGER 0/1 for a switch, TEXT, or NULL. */
export type TenantColumnValue = number | string | null;

/**
 * The columns of the tenants row that hold the settings given, and their values; the inverse of settingsFromRow.
 * `npm run tenant` writes them (scripts/lib/tenant-sql.ts). A setting with a third value spans two columns.
 */
export function columnsOfSettings(settings: Partial<TenantSettings>): Record<string, TenantColumnValue> {
  const columns: Record<string, TenantColumnValue> = {};
  const flag = (on: boolean) => (on ? 1 : 0);
  if (settings.enabled !== undefined) columns.enabled = flag(settings.enabled);
  if (settings.geo !== undefined) {
    columns.geo = flag(settings.geo === "on");
    columns.geo_country_only = flag(settings.geo === "country");
  }
  if (settings.ip !== undefined) {
    columns.ip_capture = flag(settings.ip === "on");
    columns.ip_truncated = flag(settings.ip === "truncated");
  }
  if (settings.userAgent !== undefined) columns.user_agent = flag(settings.userAgent);
  if (settings.extraSources !== undefined) columns.extra_sources = JSON.stringify(settings.extraSources);
  if (settings.deviceRateTier !== undefined) columns.device_rate_tier = settings.deviceRateTier;
  if (settings.tenantRateTier !== undefined) columns.tenant_rate_tier = settings.tenantRateTier;
  if (settings.parquet !== undefined) columns.parquet = flag(settings.parquet);
  if (settings.quotaMonth !== undefined) columns.quota_month = settings.quotaMonth;
  return columns;
}
