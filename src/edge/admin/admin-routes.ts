/**
 * Operators' route groups, authenticated by the ADMIN_TOKEN secret, never a device JWT: /readyz (mounted there)
 * and everything under /admin.
 * @module
 */
import { Hono } from "hono";
import { adminAuth } from "../auth/admin-auth.js";
import type { EdgeEnv } from "../edge-env.js";
import { deleteDestination, getDestinations, postDestination, postDestinationTest } from "./destinations-route.js";
import { deleteSuppressionRoute, getErasure, getErasures, postErasure } from "./erasures-route.js";
import { getReadiness } from "./readiness-route.js";
import { postCompact } from "./compact-route.js";
import { postRedeliver } from "./redeliver-route.js";
import { postRedrive } from "./redrive-route.js";
import { getTenantUsage, getUsageRanking } from "./usage-route.js";

export const readinessRoutes = new Hono<EdgeEnv>().use(adminAuth()).get("/", getReadiness);

export const adminRoutes = new Hono<EdgeEnv>()
  .use(adminAuth())
  .post("/redrive", postRedrive)
  .get("/tenants/:tenant/destinations", getDestinations)
  .post("/tenants/:tenant/destinations", postDestination)
  .delete("/tenants/:tenant/destinations/:name", deleteDestination)
  .post("/tenants/:tenant/destinations/:name/test", postDestinationTest)
  .post("/tenants/:tenant/redeliver", postRedeliver)
  .post("/tenants/:tenant/erasures", postErasure)
  .get("/tenants/:tenant/erasures", getErasures)
  .get("/tenants/:tenant/erasures/:id", getErasure)
  .delete("/tenants/:tenant/suppressions/:userid", deleteSuppressionRoute)
  .post("/tenants/:tenant/compact", postCompact)
  .get("/tenants/:tenant/usage", getTenantUsage)
  .get("/usage", getUsageRanking);
