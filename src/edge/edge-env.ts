/**
 * The Hono environment of the edge: the Worker's bindings and the per-request values routes share.
 * @module
 */
import type { LogFields } from "../core/foundation/log.js";
import type { Principal } from "./auth/verify-token.js";

export interface EdgeEnv {
  Bindings: Env;
  Variables: {
    principal: Principal;
    /** Fields the route adds to the request's log line. */
    logFields: LogFields;
  };
}
