/**
 * Signs test tokens the way a device's token issuer would: HS256 with the Worker's JWT_SECRET.
 * @module
 */
import { env } from "cloudflare:test";
import { sign } from "hono/utils/jwt/jwt";

export interface TestClaims {
  tenant?: unknown;
  sub?: unknown;
  deviceid?: unknown;
  scope?: unknown;
  exp?: unknown;
  [claim: string]: unknown;
}

export const TEST_USER = "b746b99cdb99455bbd0dfcfe2c5152b4";
export const TEST_DEVICE = "speaker-0042";

export function deviceClaims(overrides: TestClaims = {}): TestClaims {
  return {
    tenant: "acme",
    sub: TEST_USER,
    deviceid: TEST_DEVICE,
    scope: "events:write",
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...overrides,
  };
}

/** Claims left undefined are left out of the token. */
export function signToken(claims: TestClaims = deviceClaims(), secret: string = env.JWT_SECRET): Promise<string> {
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return sign(present as Parameters<typeof sign>[0], secret, "HS256");
}

/** A token of the tenant's with `scope` (e.g. exports:read, insights:read), valid for ten minutes. */
export function readerToken(tenant: string, scope: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ tenant, sub: `reader-of-${tenant}`, scope, iat: now, exp: now + 600 });
}

/** The Authorization header of a bearer token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
