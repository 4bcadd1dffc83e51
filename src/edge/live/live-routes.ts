/**
 * The live route group, mounted at /v1/live: a WebSocket first (426 otherwise), then a token offered as a
 * subprotocol with scope insights:read or exports:read, of a known tenant (disabled or not).
 * @module
 */
import { Hono } from "hono";
import { requireScope } from "../auth/require-scope.js";
import { requireKnownTenant } from "../auth/tenant-settings-cache.js";
import type { EdgeEnv } from "../edge-env.js";
import { INSIGHTS_SCOPES } from "../summaries/summaries-routes.js";
import { getLiveEvents, requireWebSocket, subprotocolCredentials } from "./live-route.js";

export const liveRoutes = new Hono<EdgeEnv>()
  .use(requireWebSocket(), requireScope(INSIGHTS_SCOPES, { credentials: subprotocolCredentials }), requireKnownTenant())
  .get("/", getLiveEvents);
