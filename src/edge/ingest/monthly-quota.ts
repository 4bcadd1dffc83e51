/**
 * The ingest's monthly event quota: a tenant whose events exported this UTC month have reached its quota
 * (`npm run tenant -- set <t> --quota-month N`) gets 429 quota_exceeded with Retry-After until the month's end,
 * before the body is read. The count comes with the tenant's settings (up to TENANT_CACHE_SECONDS old) and from
 * the consumer (one batch behind), so a tenant may go over by what it sends in that time; see OPERATIONS.md.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { CollectorError } from "../../core/foundation/errors.js";
import { isQuotaUsedUp, secondsUntilNextMonth } from "../../core/tenants/monthly-quota.js";
import type { EdgeEnv } from "../edge-env.js";

/** After requireEnabledTenant, which sets the settings and the month's count. */
export function enforceMonthlyQuota(): MiddlewareHandler<EdgeEnv> {
  return async function enforceMonthlyQuota(c, next) {
    const quota = c.get("tenantSettings").quotaMonth;
    const counted = c.get("monthEvents");
    const now = new Date();
    if (isQuotaUsedUp(quota, counted, now)) {
      const retryAfter = secondsUntilNextMonth(now);
      throw new CollectorError(
        "quota_exceeded",
        `This tenant has used its quota of ${quota} events for ${counted.month} (UTC); retry after ${retryAfter} seconds, when the next month begins.`,
        { headers: { "retry-after": String(retryAfter) }, details: { quota_month: quota, month: counted.month } },
      );
    }
    await next();
  };
}
