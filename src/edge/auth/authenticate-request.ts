/**
 * Authenticates the request for a scope (or any one of several) and records who it is for the request's log line.
 * @module
 */
import type { Context } from "hono";
import { readConfig } from "../../core/foundation/config.js";
import { authenticate, requireScope, type Principal, type Scope } from "./verify-token.js";
import type { EdgeEnv } from "../edge-env.js";

export async function authenticateRequest(c: Context<EdgeEnv>, scope: Scope | readonly Scope[]): Promise<Principal> {
  return authenticateBearer(c, c.req.header("authorization"), scope);
}

/** As authenticateRequest, for a bearer token that came some other way (a WebSocket's subprotocol). */
export async function authenticateBearer(
  c: Context<EdgeEnv>,
  authorization: string | undefined,
  scope: Scope | readonly Scope[],
): Promise<Principal> {
  const principal = await authenticate(authorization, readConfig(c.env).auth);
  c.set("principal", principal);
  c.set("logFields", { ...c.get("logFields"), tenant: principal.tenant });
  requireScope(principal, scope);
  return principal;
}
