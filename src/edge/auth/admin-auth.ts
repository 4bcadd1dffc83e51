/**
 * Operators' routes (/readyz, /admin/*) are authenticated by the ADMIN_TOKEN secret, not by a device JWT:
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 * @module
 */
import { CollectorError } from "../../core/foundation/errors.js";

export async function requireAdminToken(
  authorization: string | undefined,
  adminToken: string | undefined,
): Promise<void> {
  const presented = /^Bearer +(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  // An unset ADMIN_TOKEN disables the admin routes rather than accepting an empty token.
  if (presented && adminToken && (await constantTimeEquals(presented, adminToken))) return;
  throw new CollectorError("unauthorized", "Send the admin token: Authorization: Bearer <ADMIN_TOKEN>.", {
    headers: { "www-authenticate": 'Bearer realm="audiogum-collector-admin"' },
  });
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
