/**
 * The ingest route group, mounted at /v1/events: a device token with scope events:write, a registered and enabled
 * tenant within its monthly quota, and the request rate limits, in that order, before the body is read (the
 * event limits follow in the handler, once it knows how many events the request carries).
 * @module
 */
import { Hono } from "hono";
import { requireScope } from "../auth/require-scope.js";
import { requireEnabledTenant } from "../auth/tenant-settings-cache.js";
import type { EdgeEnv } from "../edge-env.js";
import { postEvents } from "./events-route.js";
import { enforceMonthlyQuota } from "./monthly-quota.js";
import { enforceRateLimits } from "./rate-limit.js";

export const ingestRoutes = new Hono<EdgeEnv>()
  .use(requireScope("events:write"), requireEnabledTenant(), enforceMonthlyQuota(), enforceRateLimits())
  .post("/", postEvents);
