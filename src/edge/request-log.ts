/**
 * The request's log line: one `request` line per request with its method, path, status and duration, plus the
 * fields that middleware and handlers add on the way (addLogFields).
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { type LogFields, logInfo } from "../core/foundation/log.js";
import { printableAscii } from "../core/foundation/untrusted-text.js";
import type { EdgeEnv } from "./edge-env.js";

export function logRequest(): MiddlewareHandler<EdgeEnv> {
  return async function logRequest(c, next) {
    const started = Date.now();
    c.set("logFields", {});
    await next();
    logInfo("request", {
      ...requestFields(c),
      status: c.res.status,
      duration_ms: Date.now() - started,
      ...c.get("logFields"),
    });
  };
}

/** Adds fields to the request's log line; a field given again replaces the earlier value. */
export function addLogFields(c: Context<EdgeEnv>, fields: LogFields): void {
  c.set("logFields", { ...c.get("logFields"), ...fields });
}

/**
 * What names the request in any log line: never its token, body or IP. The path and method are the client's text
 * (a path may be kilobytes of anything, percent-decoded), so they are logged bounded and in printable ASCII.
 */
export function requestFields(c: Context<EdgeEnv>): LogFields {
  return {
    method: printableAscii(c.req.method, 20),
    path: printableAscii(c.req.path, MAX_LOGGED_PATH),
    ray: c.req.header("cf-ray") ?? undefined,
  };
}

/** Every route's path fits; a longer one is no route's. */
const MAX_LOGGED_PATH = 200;
