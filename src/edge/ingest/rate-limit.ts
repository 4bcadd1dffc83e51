/**
 * Per-device and per-tenant rate limits with the Workers Rate Limiting bindings, in the tier each tenant's
 * settings choose. A middleware after requireScope and requireEnabledTenant, so it runs before the body is read:
 * a limited request queues nothing.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { CollectorError } from "../../core/foundation/errors.js";
import type { RateTier, TenantSettings } from "../../core/tenants/tenant-settings.js";
import type { Principal } from "../auth/verify-token.js";
import type { EdgeEnv } from "../edge-env.js";

/** The period of every limiter binding in wrangler.toml, in seconds: when a limited device may try again. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

type Limiters = Pick<
  Env,
  "DEVICE_RATE_LIMIT" | "DEVICE_RATE_LIMIT_HIGH" | "TENANT_RATE_LIMIT" | "TENANT_RATE_LIMIT_HIGH"
>;

export function enforceRateLimits(): MiddlewareHandler<EdgeEnv> {
  return async function enforceRateLimits(c, next) {
    await checkRateLimits(c.env, c.get("principal"), c.get("tenantSettings"));
    await next();
  };
}

async function checkRateLimits(env: Limiters, principal: Principal, settings: TenantSettings): Promise<void> {
  const device = deviceLimiter(env, settings.deviceRateTier);
  const tenant = tenantLimiter(env, settings.tenantRateTier);
  const [deviceOutcome, tenantOutcome] = await Promise.all([
    device?.limit({ key: deviceKey(principal) }),
    tenant?.limit({ key: principal.tenant }),
  ]);
  if (deviceOutcome && !deviceOutcome.success) throw rateLimited("device", "This device is sending too often");
  if (tenantOutcome && !tenantOutcome.success) throw rateLimited("tenant", "This tenant's fleet is sending too often");
}

function deviceKey(principal: Principal): string {
  // A token without a device id is limited as its user, so one account cannot fan out unbounded.
  const who = principal.deviceid === undefined ? `user:${principal.userid}` : `device:${principal.deviceid}`;
  return `${principal.tenant}/${who}`;
}

function deviceLimiter(env: Limiters, tier: RateTier): RateLimit | undefined {
  if (tier === "off") return undefined;
  return tier === "high" ? env.DEVICE_RATE_LIMIT_HIGH : env.DEVICE_RATE_LIMIT;
}

function tenantLimiter(env: Limiters, tier: RateTier): RateLimit | undefined {
  if (tier === "off") return undefined;
  return tier === "high" ? env.TENANT_RATE_LIMIT_HIGH : env.TENANT_RATE_LIMIT;
}

function rateLimited(scope: "device" | "tenant", message: string): CollectorError {
  return new CollectorError("rate_limited", `${message}; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.`, {
    headers: { "retry-after": String(RATE_LIMIT_PERIOD_SECONDS) },
    details: { limit: scope },
  });
}
