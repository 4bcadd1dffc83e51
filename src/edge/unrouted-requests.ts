/**
 * Answers the requests that no route takes before any route group's middleware (authentication) sees them: a path
 * no route serves is 404, a method the path is not served with is 405 with `Allow`. Both come from the routes as
 * registered, so a new route is one line in its group and nothing else. HEAD is allowed wherever GET is (Hono
 * answers HEAD by running the GET route and dropping the body).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { CollectorError } from "../core/foundation/errors.js";
import type { EdgeEnv } from "./edge-env.js";
import { errorResponse } from "./error-response.js";

/** The order in which an `Allow` header names methods. */
const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Middleware for the top of the app, given the routes registered below it. */
export function refuseUnroutedRequests(routes: readonly RouterRoute[]): MiddlewareHandler<EdgeEnv> {
  const table = routeTable(routes);
  return async function refuseUnroutedRequests(c, next) {
    if (table.serves(c.req.method, c.req.path)) return next();
    const allowed = table.allowedAt(c.req.path);
    if (allowed.length === 0) return c.notFound();
    const error = new CollectorError(
      "method_not_allowed",
      `${c.req.path} allows ${allowed.join(", ")}, not ${c.req.method}.`,
      { headers: { allow: allowed.join(", ") } },
    );
    return errorResponse(c, error);
  };
}

export interface RouteTable {
  serves(method: string, path: string): boolean;
  /** The methods served at the path, in METHOD_ORDER; none for a path no route serves. */
  allowedAt(path: string): string[];
}

export function routeTable(routes: readonly RouterRoute[]): RouteTable {
  // Hono's own router, so a path matches here exactly when it matches in the app.
  const router = new SmartRouter<string>({ routers: [new RegExpRouter(), new TrieRouter()] });
  const methods = new Set<string>();
  for (const route of routes) {
    // `use` registers middleware under ALL: it runs on routes, it is not one.
    if (route.method === "ALL") continue;
    router.add(route.method, route.path, route.method);
    methods.add(route.method);
  }
  const matches = (method: string, path: string) => router.match(method, path)[0].length > 0;
  return {
    serves: (method, path) => matches(method === "HEAD" ? "GET" : method, path),
    allowedAt(path) {
      const allowed = [...methods].filter((method) => matches(method, path));
      if (allowed.includes("GET")) allowed.push("HEAD");
      return allowed.sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
    },
  };
}
