/**
 * Per-device and per-tenant rate limits with the Workers Rate Limiting bindings, in the tier each tenant's
 * settings choose, counted two ways:
 * - requests (enforceRateLimits): a middleware after requireScope and requireEnabledTenant, so it runs before the
 *   body is read and a limited request queues nothing;
 * - events (enforceEventRateLimits): once the envelope is read and before any event is validated, so a device
 *   cannot send 120 requests of 2,000 events a minute. A limiter's `limit({key})` counts one per call, so the
 *   event limiters count units of EVENTS_PER_LIMIT_UNIT events: a request of n events makes floor(n / unit)
 *   calls, plus one more with probability (n mod unit) / unit. Each request then counts its events exactly on
 *   average, costs at most 20 calls per limiter (2,000 events), and a request of a few events nearly never one.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { CollectorError } from "../../core/foundation/errors.js";
import type { RateTier } from "../../core/tenants/tenant-settings.js";
import type { Principal } from "../auth/verify-token.js";
import type { EdgeEnv } from "../edge-env.js";

/** The period of every limiter binding in wrangler.toml, in seconds: when a limited device may try again. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Events per call of the event limiters: their limits in wrangler.toml are in units of this many events. */
export const EVENTS_PER_LIMIT_UNIT = 100;

type LimiterName = {
  [Name in keyof Env]: Env[Name] extends RateLimit ? Name : never;
}[keyof Env];

/** The bindings of each limit, standard and high tier. */
const LIMITS = {
  device: {
    standard: "DEVICE_RATE_LIMIT",
    high: "DEVICE_RATE_LIMIT_HIGH",
    refusal: "This device is sending too often",
  },
  tenant: {
    standard: "TENANT_RATE_LIMIT",
    high: "TENANT_RATE_LIMIT_HIGH",
    refusal: "This tenant's fleet is sending too often",
  },
  device_events: {
    standard: "DEVICE_EVENT_RATE_LIMIT",
    high: "DEVICE_EVENT_RATE_LIMIT_HIGH",
    refusal: "This device is sending too many events",
  },
  tenant_events: {
    standard: "TENANT_EVENT_RATE_LIMIT",
    high: "TENANT_EVENT_RATE_LIMIT_HIGH",
    refusal: "This tenant's fleet is sending too many events",
  },
} as const satisfies Record<string, { standard: LimiterName; high: LimiterName; refusal: string }>;

/** Which limit refused: the `limit` of a 429's body. */
type LimitName = keyof typeof LIMITS;

export function enforceRateLimits(): MiddlewareHandler<EdgeEnv> {
  return async function enforceRateLimits(c, next) {
    await checkLimits(c, ["device", "tenant"], 1);
    await next();
  };
}

/** Counts a request's `eventCount` events against the device's and the tenant's event limits; 429 when over. */
export async function enforceEventRateLimits(c: Context<EdgeEnv>, eventCount: number): Promise<void> {
  const calls = limitUnits(eventCount, Math.random);
  if (calls > 0) await checkLimits(c, ["device_events", "tenant_events"], calls);
}

async function checkLimits(
  c: Context<EdgeEnv>,
  [deviceLimit, tenantLimit]: [LimitName, LimitName],
  calls: number,
): Promise<void> {
  const principal = c.get("principal");
  const settings = c.get("tenantSettings");
  const [deviceOk, tenantOk] = await Promise.all([
    consume(limiter(c.env, deviceLimit, settings.deviceRateTier), deviceKey(principal), calls),
    consume(limiter(c.env, tenantLimit, settings.tenantRateTier), principal.tenant, calls),
  ]);
  if (!deviceOk) throw rateLimited(deviceLimit);
  if (!tenantOk) throw rateLimited(tenantLimit);
}

/** How many limiter calls `events` events make: whole units, and the remainder as a chance of one more. */
export function limitUnits(events: number, random: () => number): number {
  const whole = Math.floor(events / EVENTS_PER_LIMIT_UNIT);
  const remainder = events - whole * EVENTS_PER_LIMIT_UNIT;
  return whole + (random() * EVENTS_PER_LIMIT_UNIT < remainder ? 1 : 0);
}

/** Counts `calls` against the limiter under `key`; false when any of them is over the limit. */
async function consume(limiter: RateLimit | undefined, key: string, calls: number): Promise<boolean> {
  if (!limiter) return true;
  const outcomes = await Promise.all(Array.from({ length: calls }, () => limiter.limit({ key })));
  return outcomes.every((outcome) => outcome.success);
}

function deviceKey(principal: Principal): string {
  // A token without a device id is limited as its user, so one account cannot fan out unbounded.
  const who = principal.deviceid === undefined ? `user:${principal.userid}` : `device:${principal.deviceid}`;
  return `${principal.tenant}/${who}`;
}

function limiter(env: Env, limit: LimitName, tier: RateTier): RateLimit | undefined {
  if (tier === "off") return undefined;
  return env[LIMITS[limit][tier]];
}

function rateLimited(limit: LimitName): CollectorError {
  const message = `${LIMITS[limit].refusal}; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.`;
  return new CollectorError("rate_limited", message, {
    headers: { "retry-after": String(RATE_LIMIT_PERIOD_SECONDS) },
    details: { limit },
  });
}
