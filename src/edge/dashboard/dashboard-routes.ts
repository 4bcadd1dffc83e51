/**
 * The dashboard route group, mounted at /dashboard: public, no authentication (the page's data comes from the
 * APIs, with the viewer's token).
 * @module
 */
import { Hono } from "hono";
import type { EdgeEnv } from "../edge-env.js";
import { getDashboard, getDashboardAsset } from "./dashboard-route.js";

export const dashboardRoutes = new Hono<EdgeEnv>().get("/", getDashboard).get("/assets/:name", getDashboardAsset);
