/**
 * The summaries route group, mounted at /v1/summaries: every route needs a token with scope insights:read or
 * exports:read (whoever may pull a tenant's events may see its summaries) of a known tenant, disabled or not.
 * @module
 */
import { Hono } from "hono";
import { requireScope } from "../auth/require-scope.js";
import { requireKnownTenant } from "../auth/tenant-settings-cache.js";
import type { Scope } from "../auth/verify-token.js";
import type { EdgeEnv } from "../edge-env.js";
import { getDailySummary, getMonthlySummary, getRealtimeSummary } from "./summaries-route.js";

/** The scopes that may read a tenant's insights: its summaries and its live view. */
export const INSIGHTS_SCOPES: readonly Scope[] = ["insights:read", "exports:read"];

export const summariesRoutes = new Hono<EdgeEnv>()
  .use(requireScope(INSIGHTS_SCOPES), requireKnownTenant())
  .get("/realtime", getRealtimeSummary)
  .get("/daily", getDailySummary)
  .get("/monthly", getMonthlySummary);
