/**
 * The middleware of the routes that devices and customers call with a JWT: authenticates the bearer token, puts
 * its principal on the request for the handlers (`c.get("principal")`) and its tenant on the log line, then
 * checks the scope (or any one of several). Registered once per route group, as hono's bearerAuth is.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { readConfig } from "../../core/foundation/config.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";
import { assertScope, authenticate, type Scope } from "./verify-token.js";

export interface RequireScopeOptions {
  /**
   * The `Bearer <JWT>` credentials, or undefined when none were sent. Default: the Authorization header; a
   * WebSocket brings its token another way, since browsers cannot set that header on one.
   */
  credentials?: (c: Context<EdgeEnv>) => string | undefined;
}

export function requireScope(
  scope: Scope | readonly Scope[],
  options: RequireScopeOptions = {},
): MiddlewareHandler<EdgeEnv> {
  const credentials = options.credentials ?? ((c: Context<EdgeEnv>) => c.req.header("authorization"));
  return async function requireScope(c, next) {
    const principal = await authenticate(credentials(c), readConfig(c.env).auth);
    c.set("principal", principal);
    // Logged before the scope check, so a refused request still says whose token it was.
    addLogFields(c, { tenant: principal.tenant });
    assertScope(principal, scope);
    await next();
  };
}
