/**
 * The Hono environment of the edge: the Worker's bindings and the per-request values that middleware sets for the
 * handlers after it.
 * @module
 */
import type { LogFields } from "../core/foundation/log.js";
import type { MonthEvents } from "../core/tenants/monthly-quota.js";
import type { TenantSettings } from "../core/tenants/tenant-settings.js";
import type { RequestUsage } from "../core/usage/request-usage.js";
import type { Principal } from "./auth/verify-token.js";

export interface EdgeEnv {
  Bindings: Env;
  Variables: {
    /** Who the token speaks for; set by requireScope, so only in the groups that use it. */
    principal: Principal;
    /** The principal's tenant's settings; set by requireKnownTenant or requireEnabledTenant. */
    tenantSettings: TenantSettings;
    /** The tenant's events exported this month, as last read (up to TENANT_CACHE_SECONDS old); set with them. */
    monthEvents: MonthEvents;
    /** An ingest request's usage, and whether it is in the request's report yet (ingest/ingest-usage.ts). */
    requestUsage: { usage: RequestUsage; reported: boolean };
    /** Fields added to the request's log line (addLogFields). */
    logFields: LogFields;
  };
}
