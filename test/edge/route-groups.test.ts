/**
 * What the edge's route registration promises for every route it has, read from the registration itself, so a new
 * route is covered the moment it is registered: a wrong method is 405 with the methods registered at that path
 * (before any credentials are looked at), each route group's authentication guards every route of the group, and
 * only the device route answers a CORS preflight (OPTIONS, which browsers send without credentials).
 * @module
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/edge/app.js";
import { SCOPES } from "../../src/edge/auth/verify-token.js";
import { callWorker, collectorRequest } from "../support/worker.js";
import { deviceClaims, signToken } from "../support/tokens.js";

/** Every registered route; middleware (`use`) is registered under ALL and is not a route. */
const ROUTES = createApp().routes.filter((route) => route.method !== "ALL");
const PATTERNS = [...new Set(ROUTES.map((route) => route.path))];
const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** The routes that answer a browser's CORS preflight, before any authentication (src/edge/ingest/device-cors.ts). */
const PREFLIGHT_PATTERNS = ["/v1/events"];

type Guard =
  | { kind: "public" }
  | { kind: "admin" }
  /** A device or customer JWT that needs one of `scopes`; `websocket`: offered as a subprotocol. */
  | { kind: "token"; scopes: string[]; websocket?: boolean };

/** The authentication of each route group, by the prefix it is mounted at: the contract, written out. */
const GROUPS: Record<string, Guard> = {
  "/healthz": { kind: "public" },
  "/v1/schema": { kind: "public" },
  "/dashboard": { kind: "public" },
  "/readyz": { kind: "admin" },
  "/admin": { kind: "admin" },
  "/v1/events": { kind: "token", scopes: ["events:write"] },
  "/v1/exports": { kind: "token", scopes: ["exports:read"] },
  "/v1/summaries": { kind: "token", scopes: ["insights:read", "exports:read"] },
  "/v1/quality": { kind: "token", scopes: ["insights:read", "exports:read"] },
  "/v1/live": { kind: "token", scopes: ["insights:read", "exports:read"], websocket: true },
};

function guardOf(pattern: string): Guard | undefined {
  const prefix = Object.keys(GROUPS).find((group) => pattern === group || pattern.startsWith(`${group}/`));
  return prefix === undefined ? undefined : GROUPS[prefix];
}

/** A path the pattern matches: every parameter and wildcard filled in. */
function pathOf(pattern: string): string {
  return pattern.replace(/:[a-z]+/g, "x").replace(/\*$/, "x");
}

function send(method: string, pattern: string, credentials?: string): Promise<Response> {
  const guard = guardOf(pattern);
  const headers: Record<string, string> = {};
  if (guard?.kind === "token" && guard.websocket) {
    headers.upgrade = "websocket";
    headers["sec-websocket-protocol"] = credentials ? `audiogum-live, bearer.${credentials}` : "audiogum-live";
  } else if (credentials) {
    headers.authorization = `Bearer ${credentials}`;
  }
  return callWorker(collectorRequest(`${pathOf(pattern)}`, { method, headers }));
}

/** The routes as [method, pattern], with HEAD wherever GET is: Hono answers HEAD with the GET route. */
const METHOD_ROUTES = ROUTES.flatMap((route) =>
  (route.method === "GET" ? ["GET", "HEAD"] : [route.method]).map((method): [string, string] => [method, route.path]),
);

describe("a wrong method", () => {
  it.each(PATTERNS)(
    "at %s is 405 with Allow naming the methods registered there, before any authentication",
    async (pattern) => {
      const registered = ROUTES.filter((route) => route.path === pattern).map((route) => route.method);
      if (registered.includes("GET")) registered.push("HEAD");
      const allow = METHOD_ORDER.filter((method) => registered.includes(method)).join(", ");
      const wrong = METHOD_ORDER.filter((method) => !registered.includes(method));
      expect(wrong.length).toBeGreaterThan(0);
      for (const method of wrong) {
        const response = await send(method, pattern);
        expect(response.status, `${method} ${pattern}`).toBe(405);
        expect(response.headers.get("allow"), `${method} ${pattern}`).toBe(allow);
        if (method !== "HEAD") {
          expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
        }
      }
    },
  );
});

describe("an unknown path", () => {
  it.each(["/v1/events/x", "/v1/summaries/weekly", "/v1/live/x", "/readyz/x", "/admin/x", "/admin/tenants/x"])(
    "%s is 404 even under a guarded group's prefix, before any authentication",
    async (path) => {
      const response = await callWorker(`${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: "not_found", message: `No route GET ${path}.` } });
    },
  );
});

describe("a route group's authentication", () => {
  it("is declared for every registered route", () => {
    expect(PATTERNS.filter((pattern) => guardOf(pattern) === undefined)).toEqual([]);
  });

  it.each(METHOD_ROUTES.filter(([method]) => method !== "OPTIONS"))("guards %s %s", async (method, pattern) => {
    const guard = guardOf(pattern)!;
    const anonymous = await send(method, pattern);
    if (guard.kind === "public") {
      expect([401, 403]).not.toContain(anonymous.status);
      return;
    }
    expect(anonymous.status).toBe(401);
    const realm = guard.kind === "admin" ? "audiogum-collector-admin" : "audiogum-collector";
    expect(anonymous.headers.get("www-authenticate")).toMatch(new RegExp(`^Bearer realm="${realm}"`));

    // A token with every scope but the ones the group accepts.
    const otherScopes = SCOPES.filter((scope) => guard.kind === "admin" || !guard.scopes.includes(scope));
    const refused = await send(method, pattern, await signToken(deviceClaims({ scope: otherScopes.join(" ") })));
    if (guard.kind === "admin") {
      expect(refused.status).toBe(401);
      return;
    }
    expect(refused.status).toBe(403);
    if (method !== "HEAD")
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("insufficient_scope");
  });
});

describe("a CORS preflight (OPTIONS)", () => {
  it("is registered on the device route only", () => {
    expect(ROUTES.filter((route) => route.method === "OPTIONS").map((route) => route.path)).toEqual(PREFLIGHT_PATTERNS);
  });

  it.each(PREFLIGHT_PATTERNS)("at %s is answered without credentials: 204, never 401", async (pattern) => {
    const response = await callWorker(
      collectorRequest(pathOf(pattern), {
        method: "OPTIONS",
        headers: { origin: "https://player.example.com", "access-control-request-method": "POST" },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
