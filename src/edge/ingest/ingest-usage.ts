/**
 * Counts each ingest request's usage (core/usage/request-usage.ts) for the operator's usage report: a middleware
 * after the tenant is known, so every request of a registered, enabled tenant counts, whatever its answer (a 429
 * of the quota or the rate limits included). The handler fills in what it learns (bytes, rejected and suppressed
 * events) and puts the usage in the request's report (markUsageReported), queued with its events or kept with
 * this isolate's reports when it queues none; a request the handler never reached (a 429, a refused body) has
 * its usage kept here once answered (request-reports.ts: kept reports go with the tenant's next queued events,
 * or alone after REQUEST_REPORT_FLUSH_MS).
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { emptyReport } from "../../core/events/request-report.js";
import { oneRequest, type RequestUsage } from "../../core/usage/request-usage.js";
import type { EdgeEnv } from "../edge-env.js";
import { keepReport } from "./request-reports.js";

/** After requireEnabledTenant, before the quota and the rate limits (their 429s count). */
export function countIngestUsage(): MiddlewareHandler<EdgeEnv> {
  return async function countIngestUsage(c, next) {
    const usage = oneRequest();
    c.set("requestUsage", { usage, reported: false });
    await next();
    if (c.res.status === 429) usage.responses_429 = 1;
    if (!c.get("requestUsage").reported) keepReport(c, c.get("principal").tenant, { ...emptyReport(), usage });
  };
}

/** The request's usage so far, for the handler to fill in. */
export function requestUsageOf(c: Context<EdgeEnv>): RequestUsage {
  return c.get("requestUsage").usage;
}

/** The usage is in the request's report, queued or kept: nothing is left to keep. */
export function markUsageReported(c: Context<EdgeEnv>): void {
  c.get("requestUsage").reported = true;
}
