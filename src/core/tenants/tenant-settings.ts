/**
 * What each tenant may do: enabled, geo, IP and user-agent capture, custom audio sources, its rate-limit tiers,
 * whether its closed days are compacted to Parquet, and its monthly event quota.
 * One schema for the D1 row, the admin command and the edge, with the defaults an open-tenancy tenant gets.
 * @module
 */
import { z } from "zod";
import { AUDIO_SOURCES } from "../events/schemas/events.js";

export const RATE_TIERS = ["standard", "high", "off"] as const;
export type RateTier = (typeof RATE_TIERS)[number];

/** A custom source is a short lower-case word, like the document's own (e.g. "tidalconnect"). */
export const CUSTOM_SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const tenantSettingsSchema = z.object({
  enabled: z.boolean(),
  geo: z.boolean(),
  ipCapture: z.boolean(),
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
  geo: true,
  ipCapture: false,
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
  geo: number;
  ip_capture: number;
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
    geo: row.geo === 1,
    ipCapture: row.ip_capture === 1,
    userAgent: row.user_agent === 1,
    extraSources: JSON.parse(row.extra_sources) as unknown,
    deviceRateTier: row.device_rate_tier,
    tenantRateTier: row.tenant_rate_tier,
    parquet: row.parquet === 1,
    quotaMonth: row.quota_month ?? null,
  });
}
