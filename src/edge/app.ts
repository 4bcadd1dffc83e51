/**
 * The edge's HTTP surface: which route group answers under which path, and what frames every request: the log
 * line, 404 and 405 before any group's authentication, and the JSON answer for every error. Each group (a folder
 * of src/edge) owns its routes and registers the middleware that guards them once.
 * @module
 */
import { Hono } from "hono";
import { CollectorError } from "../core/foundation/errors.js";
import { logError } from "../core/foundation/log.js";
import { adminRoutes, readinessRoutes } from "./admin/admin-routes.js";
import { dashboardRoutes } from "./dashboard/dashboard-routes.js";
import type { EdgeEnv } from "./edge-env.js";
import { asCollectorError, errorResponse } from "./error-response.js";
import { exportsRoutes } from "./exports/exports-routes.js";
import { ingestRoutes } from "./ingest/ingest-routes.js";
import { liveRoutes } from "./live/live-routes.js";
import { qualityRoutes } from "./quality/quality-routes.js";
import { addLogFields, logRequest, requestFields } from "./request-log.js";
import { schemaRoutes } from "./schemas/schema-routes.js";
import { summariesRoutes } from "./summaries/summaries-routes.js";
import { refuseUnroutedRequests } from "./unrouted-requests.js";

export function createApp(): Hono<EdgeEnv> {
  const routes = new Hono<EdgeEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .route("/readyz", readinessRoutes)
    .route("/v1/events", ingestRoutes)
    .route("/v1/exports", exportsRoutes)
    .route("/v1/schema", schemaRoutes)
    .route("/v1/summaries", summariesRoutes)
    .route("/v1/quality", qualityRoutes)
    .route("/v1/live", liveRoutes)
    .route("/admin", adminRoutes)
    .route("/dashboard", dashboardRoutes);

  const app = new Hono<EdgeEnv>();
  app.use(logRequest());
  app.use(refuseUnroutedRequests(routes.routes));
  app.route("/", routes);
  app.notFound((c) => {
    const { method, path } = requestFields(c);
    return errorResponse(c, new CollectorError("not_found", `No route ${method} ${path}.`));
  });
  app.onError((error, c) => {
    const collectorError = asCollectorError(error);
    // A 5xx is ours to fix: say why (the cause's name and message, never a stack). A 4xx is the client's, and its
    // code on the request line (info) says enough.
    if (collectorError.status >= 500) {
      logError("request_error", { ...requestFields(c), code: collectorError.code }, collectorError.cause ?? error);
    }
    addLogFields(c, { error: collectorError.code });
    return errorResponse(c, collectorError);
  });
  return app;
}
