/**
 * Mints the tokens a local collector accepts: HS256 with the dev secret of .dev.vars and the claims
 * src/edge/auth/verify-token.ts reads (tenant, sub = the Audiogum userid, deviceid, scope, iat, exp).
 * @module
 */
import { sign } from "hono/utils/jwt/jwt";
import { devSigningSecret } from "./dev-secrets.js";

export interface TokenRequest {
  tenant: string;
  userid: string;
  deviceid: string;
  scopes: readonly string[];
  ttlSeconds: number;
}

export const DEFAULT_TTL_SECONDS = 3600;

export function tokenClaims(request: TokenRequest, nowSeconds = Math.floor(Date.now() / 1000)) {
  return {
    tenant: request.tenant,
    sub: request.userid,
    deviceid: request.deviceid,
    scope: request.scopes.join(" "),
    iat: nowSeconds,
    exp: nowSeconds + request.ttlSeconds,
  };
}

export function signToken(request: TokenRequest, secret: string): Promise<string> {
  return sign(tokenClaims(request), secret, "HS256");
}

/** A token for the collector `npm run dev` runs, signed with its secret (created if there is none). */
export function mintDevToken(request: TokenRequest): Promise<string> {
  return signToken(request, devSigningSecret());
}
