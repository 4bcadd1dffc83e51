// Authenticates the request for one scope and records who it is for the request's log line.
import type { Context } from "hono";
import { readConfig } from "../core/config.js";
import { authenticate, requireScope, type Principal, type Scope } from "./auth.js";
import type { EdgeEnv } from "./context.js";

export async function authenticateRequest(c: Context<EdgeEnv>, scope: Scope): Promise<Principal> {
  const principal = await authenticate(c.req.header("authorization"), readConfig(c.env).auth);
  c.set("principal", principal);
  c.set("logFields", { ...c.get("logFields"), tenant: principal.tenant });
  requireScope(principal, scope);
  return principal;
}
