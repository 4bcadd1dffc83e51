/**
 * CORS for the device route (POST /v1/events), so a browser page on another origin (the device client of
 * clients/js in a web player) can send events and read the answer. Hono's cors middleware, set up once for any
 * origin and once for the listed ones (DEVICE_CORS_ORIGINS), chosen per request from the config.
 *
 * It answers the preflight (OPTIONS, which browsers send without credentials, so before authentication) with the
 * method and the request headers the route takes, for Access-Control-Max-Age seconds; and it adds
 * Access-Control-Allow-Origin and Access-Control-Expose-Headers to every answer of the route, errors included
 * (401, 413, 429, 503), so a client can read the error's code and Retry-After. It never sends
 * Access-Control-Allow-Credentials: the route takes a bearer token, never a cookie, so a page can only send with
 * a token it already holds, and "*" (the default) gives another origin nothing it could not do without a browser.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { readConfig } from "../../core/foundation/config.js";
import type { EdgeEnv } from "../edge-env.js";

/** How long a browser may keep a preflight's answer: 2 hours, Chromium's cap (Firefox keeps up to a day). */
export const DEVICE_CORS_MAX_AGE_SECONDS = 7200;

const SETTINGS = {
  allowMethods: ["POST"],
  // Content-Type application/json and Content-Encoding are not CORS-safelisted, Authorization never is.
  allowHeaders: ["Authorization", "Content-Type", "Content-Encoding"],
  // Retry-After tells a client when to resend after 429 and 503; CORS hides it unless exposed.
  exposeHeaders: ["Retry-After"],
  maxAge: DEVICE_CORS_MAX_AGE_SECONDS,
};

export function deviceCors(): MiddlewareHandler<EdgeEnv> {
  const anyOrigin = cors({ ...SETTINGS, origin: "*" });
  // A listed origin is echoed back (with Vary: Origin); any other gets no Access-Control-Allow-Origin, so its
  // browser refuses to send the request (after the preflight) or to show the answer.
  const listedOrigins = cors({
    ...SETTINGS,
    origin: (origin, c) => {
      const allowed = readConfig(c.env).deviceCorsOrigins;
      return allowed !== "*" && allowed.includes(origin.toLowerCase()) ? origin : null;
    },
  });
  return async function deviceCors(c, next) {
    const chosen = readConfig(c.env).deviceCorsOrigins === "*" ? anyOrigin : listedOrigins;
    return chosen(c, next);
  };
}
