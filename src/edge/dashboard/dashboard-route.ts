/**
 * GET /dashboard and its assets: the insights dashboard, served from the Worker's bundle (no CDN, no token in
 * any URL). The page is public and the same for everyone; the data comes from the APIs the token may read.
 * A strict CSP: only this origin's scripts, styles and connections, nothing inline, no framing.
 * @module
 */
import type { Context } from "hono";
import { DASHBOARD_ASSETS, DASHBOARD_ASSETS_VERSION } from "../../dashboard/assets.generated.js";
import { dashboardPage } from "../../dashboard/page.js";
import { CollectorError } from "../../core/foundation/errors.js";
import type { EdgeEnv } from "../edge-env.js";

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const CONTENT_TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

const page = dashboardPage(DASHBOARD_ASSETS_VERSION);

export function getDashboard(c: Context<EdgeEnv>): Response {
  return c.html(page, 200, {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
}

export function getDashboardAsset(c: Context<EdgeEnv>): Response {
  const name = c.req.param("name") ?? "";
  // The name is the caller's: only the assets' own keys count, never what every object inherits ("constructor").
  const body = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
  const extension = name.split(".").pop() ?? "";
  const type = Object.hasOwn(CONTENT_TYPES, extension) ? CONTENT_TYPES[extension] : undefined;
  if (body === undefined || type === undefined) throw new CollectorError("not_found", `No dashboard asset ${name}.`);
  // The page asks for ?v=<hash of every asset>, so a new deployment's page never gets an old asset from a cache.
  return c.body(body, 200, {
    "content-type": type,
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=3600",
  });
}
