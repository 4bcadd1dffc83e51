/**
 * The data quality route group, mounted at /v1/quality (docs/quality.md): the same tokens as the summaries
 * (scope insights:read or exports:read, a known tenant, disabled or not), always the token's tenant.
 * @module
 */
import { Hono } from "hono";
import { requireScope } from "../auth/require-scope.js";
import { requireKnownTenant } from "../auth/tenant-settings-cache.js";
import type { EdgeEnv } from "../edge-env.js";
import { INSIGHTS_SCOPES } from "../summaries/summaries-routes.js";
import { getDailyQuality, getMonthlyQuality, getRealtimeQuality } from "./quality-route.js";
import { getSample, listSamples } from "./samples-route.js";

export const qualityRoutes = new Hono<EdgeEnv>()
  .use(requireScope(INSIGHTS_SCOPES), requireKnownTenant())
  .get("/realtime", getRealtimeQuality)
  .get("/daily", getDailyQuality)
  .get("/monthly", getMonthlyQuality)
  .get("/samples", listSamples)
  .get("/samples/*", getSample);
