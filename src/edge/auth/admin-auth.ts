/**
 * The middleware of operators' routes (/readyz, /admin/*): authenticated by the ADMIN_TOKEN secret, not by a
 * device JWT: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. Registered once per route group.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { CollectorError } from "../../core/foundation/errors.js";
import type { EdgeEnv } from "../edge-env.js";

export function adminAuth(): MiddlewareHandler<EdgeEnv> {
  return async function adminAuth(c, next) {
    const presented = /^Bearer +(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const adminToken = c.env.ADMIN_TOKEN;
    // An unset ADMIN_TOKEN disables the admin routes rather than accepting an empty token.
    if (!presented || !adminToken || !(await constantTimeEquals(presented, adminToken))) {
      throw new CollectorError("unauthorized", "Send the admin token: Authorization: Bearer <ADMIN_TOKEN>.", {
        headers: { "www-authenticate": 'Bearer realm="audiogum-collector-admin"' },
      });
    }
    await next();
  };
}

// Comparing digests gives timingSafeEqual equal lengths, so not even the token's length leaks through timing.
async function constantTimeEquals(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [digestA, digestB] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(digestA, digestB);
}
