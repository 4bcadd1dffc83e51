/**
 * The edge's HTTP surface: routes, the request log line, and the JSON answers for unknown paths, wrong methods
 * and errors. Routes own their logic; this module owns how requests and failures are framed.
 * @module
 */
import { Hono, type Context } from "hono";
import { CollectorError } from "../core/foundation/errors.js";
import { logError, logInfo } from "../core/foundation/log.js";
import type { EdgeEnv } from "./edge-env.js";
import { postRedrive } from "./admin/redrive-route.js";
import {
  deleteDestination,
  getDestinations,
  postDestination,
  postDestinationTest,
} from "./admin/destinations-route.js";
import { postRedeliver } from "./admin/redeliver-route.js";
import { asCollectorError, errorResponse } from "./error-response.js";
import { postEvents } from "./ingest/events-route.js";
import { getReadiness } from "./admin/readiness-route.js";
import { getExportDay } from "./exports/day-route.js";
import { getExportFile } from "./exports/file-route.js";
import { listExports } from "./exports/list-route.js";
import { getEventsSchema, getExportSchema } from "./schemas/schema-route.js";
import { getDashboard, getDashboardAsset } from "./dashboard/dashboard-route.js";
import { getLiveEvents } from "./live/live-route.js";
import { getDailySummary, getMonthlySummary, getRealtimeSummary } from "./summaries/summaries-route.js";

/** Every path the edge serves and the methods it allows there: one table for routing and for 405s. */
const ROUTES: Record<string, readonly string[]> = {
  "/healthz": ["GET", "HEAD"],
  "/readyz": ["GET", "HEAD"],
  "/v1/events": ["POST"],
  "/admin/redrive": ["POST"],
  "/admin/tenants/:tenant/destinations": ["GET", "HEAD", "POST"],
  "/admin/tenants/:tenant/destinations/:name": ["DELETE"],
  "/admin/tenants/:tenant/destinations/:name/test": ["POST"],
  "/admin/tenants/:tenant/redeliver": ["POST"],
  "/v1/exports": ["GET", "HEAD"],
  "/v1/exports/days/:day": ["GET", "HEAD"],
  "/v1/exports/*": ["GET", "HEAD"],
  "/v1/schema/events": ["GET", "HEAD"],
  "/v1/schema/export": ["GET", "HEAD"],
  "/v1/summaries/realtime": ["GET", "HEAD"],
  "/v1/summaries/daily": ["GET", "HEAD"],
  "/v1/summaries/monthly": ["GET", "HEAD"],
  "/v1/live": ["GET"],
  "/dashboard": ["GET", "HEAD"],
  "/dashboard/assets/:name": ["GET", "HEAD"],
};

export function createApp(): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.use("*", logRequest);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", getReadiness);
  app.post("/v1/events", postEvents);
  app.post("/admin/redrive", postRedrive);
  app.get("/admin/tenants/:tenant/destinations", getDestinations);
  app.post("/admin/tenants/:tenant/destinations", postDestination);
  app.delete("/admin/tenants/:tenant/destinations/:name", deleteDestination);
  app.post("/admin/tenants/:tenant/destinations/:name/test", postDestinationTest);
  app.post("/admin/tenants/:tenant/redeliver", postRedeliver);
  app.get("/v1/exports", listExports);
  // Before the key route: a day is one segment, a key is five, so neither can take the other's requests.
  app.get("/v1/exports/days/:day", getExportDay);
  app.get("/v1/exports/*", getExportFile);
  app.get("/v1/schema/events", getEventsSchema);
  app.get("/v1/schema/export", getExportSchema);
  app.get("/v1/summaries/realtime", getRealtimeSummary);
  app.get("/v1/summaries/daily", getDailySummary);
  app.get("/v1/summaries/monthly", getMonthlySummary);
  app.get("/v1/live", getLiveEvents);
  app.get("/dashboard", getDashboard);
  app.get("/dashboard/assets/:name", getDashboardAsset);
  for (const [path, methods] of Object.entries(ROUTES)) {
    app.all(path, (c) => methodNotAllowed(c, methods));
  }
  app.notFound((c) => errorResponse(c, new CollectorError("not_found", `No route ${c.req.method} ${c.req.path}.`)));
  app.onError((error, c) => {
    const collectorError = asCollectorError(error);
    if (!(error instanceof CollectorError)) logError("request_error", requestFields(c), error);
    c.set("logFields", { ...c.get("logFields"), error: collectorError.code });
    return errorResponse(c, collectorError);
  });
  return app;
}

function methodNotAllowed(c: Context<EdgeEnv>, methods: readonly string[]): Response {
  const error = new CollectorError(
    "method_not_allowed",
    `${c.req.path} allows ${methods.join(", ")}, not ${c.req.method}.`,
    {
      headers: { allow: methods.join(", ") },
    },
  );
  return errorResponse(c, error);
}

async function logRequest(c: Context<EdgeEnv>, next: () => Promise<void>): Promise<void> {
  const started = Date.now();
  c.set("logFields", {});
  await next();
  logInfo("request", {
    ...requestFields(c),
    status: c.res.status,
    duration_ms: Date.now() - started,
    ...c.get("logFields"),
  });
}

function requestFields(c: Context<EdgeEnv>): Record<string, string | undefined> {
  return { method: c.req.method, path: c.req.path, ray: c.req.header("cf-ray") ?? undefined };
}
