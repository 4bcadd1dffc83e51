/**
 * The ingest route group, mounted at /v1/events: CORS for browser clients on other origins (the preflight is
 * answered before authentication: browsers send it without credentials), then a device token with scope
 * events:write, a registered and enabled tenant (whose requests then count in its usage), within its monthly
 * quota, and the request rate limits, in that order, before the body is read (the event limits follow in the
 * handler, once it knows how many events the request carries).
 * @module
 */
import { Hono } from "hono";
import { requireScope } from "../auth/require-scope.js";
import { requireEnabledTenant } from "../auth/tenant-settings-cache.js";
import type { EdgeEnv } from "../edge-env.js";
import { deviceCors } from "./device-cors.js";
import { postEvents } from "./events-route.js";
import { enforceMonthlyQuota } from "./monthly-quota.js";
import { enforceRateLimits } from "./rate-limit.js";
import { countIngestUsage } from "./ingest-usage.js";

const cors = deviceCors();

export const ingestRoutes = new Hono<EdgeEnv>()
  // The preflight, answered by the CORS middleware itself; registered so that OPTIONS is a method of the path.
  .options("/", cors)
  .use(
    cors,
    requireScope("events:write"),
    requireEnabledTenant(),
    countIngestUsage(),
    enforceMonthlyQuota(),
    enforceRateLimits(),
  )
  .post("/", postEvents);
