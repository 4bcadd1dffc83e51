/**
 * Authenticates a request's bearer token: HS256 with JWT_SECRET (or JWT_SECRET_PREVIOUS during a rotation), or
 * RS256/ES256 with the keys of JWKS_URL. Turns its claims into the Principal the routes act for.
 * @module
 */
import { decode, decodeHeader, verify, verifyWithJwks } from "hono/utils/jwt/jwt";
import type { JWTPayload } from "hono/utils/jwt/types";
import type { AuthConfig } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { isValidTenant } from "../../core/tenants/tenant-name.js";
import { jwksKeys } from "./jwks-cache.js";
import { rememberVerified, verifiedBefore } from "./verified-token-cache.js";

export const SCOPES = ["events:write", "exports:read", "insights:read"] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  tenant: string;
  userid: string;
  deviceid: string | undefined;
  scopes: ReadonlySet<string>;
  /** When the token expires (epoch ms): a live view's socket closes then. */
  expiresAt: number;
}

const REALM = 'Bearer realm="audiogum-collector"';
/** How far an issuer's clock may run ahead of ours before a token of the longest lifetime counts as too long. */
const CLOCK_SKEW_SECONDS = 60;
const ASYMMETRIC_ALGORITHMS = ["RS256", "ES256"] as const;

export async function authenticate(authorization: string | undefined, auth: AuthConfig): Promise<Principal> {
  const token = bearerToken(authorization);
  let payload = verifiedBefore(token, auth);
  if (!payload) {
    payload = await verifiedPayload(token, auth);
    rememberVerified(token, auth, payload);
  }
  return principalFromClaims(payload, auth.maxTokenTtlSeconds);
}

/** Passes when the token has the scope, or any one of the scopes given as a list. */
export function assertScope(principal: Principal, scope: Scope | readonly Scope[]): void {
  const accepted: readonly Scope[] = typeof scope === "string" ? [scope] : scope;
  if (accepted.some((one) => principal.scopes.has(one))) return;
  const named = accepted.map((one) => `"${one}"`).join(" or ");
  throw new CollectorError("insufficient_scope", `This token lacks the scope ${named} that this request needs.`, {
    headers: { "www-authenticate": `${REALM}, error="insufficient_scope", scope="${accepted.join(" ")}"` },
  });
}

function unauthorized(message: string, withError = true): CollectorError {
  const challenge = withError ? `${REALM}, error="invalid_token"` : REALM;
  return new CollectorError("unauthorized", message, { headers: { "www-authenticate": challenge } });
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) {
    throw unauthorized("Send a token: Authorization: Bearer <JWT>.", false);
  }
  const match = /^Bearer +([A-Za-z0-9_\-.=]+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw unauthorized("The Authorization header must be: Bearer <JWT>.");
  return match[1];
}

async function verifiedPayload(token: string, auth: AuthConfig): Promise<JWTPayload> {
  let header: ReturnType<typeof decodeHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeHeader(token);
    unverified = decode(token).payload;
  } catch {
    throw unauthorized("The token is not a well-formed JWT.");
  }
  // Read before verifying only to name the problem: a string exp would otherwise be reported as expired.
  if (typeof unverified.exp !== "number") {
    throw unauthorized("The token's exp claim must be a number (seconds since 1970); tokens must expire.");
  }
  const verification = { iss: auth.issuer, aud: auth.audience, exp: true, nbf: true, iat: true };
  try {
    if (header.alg === "HS256") return await verifyWithSecrets(token, auth.hmacSecrets, verification);
    if (isAsymmetric(header.alg)) return await verifyWithKeySet(token, header.kid, auth, verification);
  } catch (error) {
    if (error instanceof CollectorError) throw error;
    throw unauthorized(describeJwtFailure(error));
  }
  throw unauthorized(`Tokens signed with ${String(header.alg)} are not accepted; use HS256, RS256 or ES256.`);
}

type Verification = { iss: string | undefined; aud: string | undefined; exp: boolean; nbf: boolean; iat: boolean };

async function verifyWithSecrets(token: string, secrets: string[], verification: Verification): Promise<JWTPayload> {
  if (secrets.length === 0) throw unauthorized("This collector does not accept HS256 tokens; use RS256 or ES256.");
  let lastError: unknown;
  // During a secret rotation the previous secret still verifies; any failure but a bad signature is final.
  for (const secret of secrets) {
    try {
      return await verify(token, await hmacVerifyKey(secret), { alg: "HS256", ...definedOnly(verification) });
    } catch (error) {
      if (!isSignatureMismatch(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

// hono imports a string secret on every verify; importing it once per isolate takes that off every request.
function hmacVerifyKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    const algorithm = { name: "HMAC", hash: { name: "SHA-256" } };
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), algorithm, false, ["verify"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

async function verifyWithKeySet(
  token: string,
  kid: string | undefined,
  auth: AuthConfig,
  verification: Verification,
): Promise<JWTPayload> {
  if (!auth.jwksUrl) throw unauthorized("This collector does not accept RS256 or ES256 tokens.");
  const keys = await jwksKeys(auth.jwksUrl, auth.jwksCacheSeconds, kid);
  return verifyWithJwks(token, {
    keys,
    allowedAlgorithms: ASYMMETRIC_ALGORITHMS,
    verification: definedOnly(verification),
  });
}

function principalFromClaims(payload: JWTPayload, maxTtlSeconds: number): Principal {
  // Checked before verification too; here it also tells the type checker.
  if (typeof payload.exp !== "number") throw unauthorized("The token has no exp claim; tokens must expire.");
  // A lifetime cap makes a leaked token worthless in bounded time, and keeps exp * 1000 a finite date.
  if (payload.exp - Date.now() / 1000 > maxTtlSeconds + CLOCK_SKEW_SECONDS) {
    throw unauthorized(
      `The token's exp is too far ahead: tokens may live at most ${maxTtlSeconds} seconds (MAX_TOKEN_TTL_SECONDS).`,
    );
  }
  if (!isValidTenant(payload.tenant)) {
    throw unauthorized("The token's tenant claim must match [a-z0-9][a-z0-9-]{0,62}.");
  }
  if (typeof payload.sub !== "string" || payload.sub === "") {
    throw unauthorized("The token has no sub claim (the Audiogum user id).");
  }
  // Both go into every exported event, where a lone surrogate would make readers refuse the whole file.
  if (!payload.sub.isWellFormed()) throw unauthorized("The token's sub claim holds a lone UTF-16 surrogate.");
  const deviceid = payload.deviceid;
  if (deviceid !== undefined && (typeof deviceid !== "string" || deviceid === "")) {
    throw unauthorized("The token's deviceid claim must be a non-empty string.");
  }
  if (deviceid !== undefined && !deviceid.isWellFormed()) {
    throw unauthorized("The token's deviceid claim holds a lone UTF-16 surrogate.");
  }
  const scope = typeof payload.scope === "string" ? payload.scope : "";
  return {
    tenant: payload.tenant,
    userid: payload.sub,
    deviceid,
    scopes: new Set(scope.split(" ").filter((part) => part !== "")),
    expiresAt: payload.exp * 1000,
  };
}

function isAsymmetric(alg: unknown): alg is (typeof ASYMMETRIC_ALGORITHMS)[number] {
  return ASYMMETRIC_ALGORITHMS.includes(alg as (typeof ASYMMETRIC_ALGORITHMS)[number]);
}

function isSignatureMismatch(error: unknown): boolean {
  return error instanceof Error && error.name === "JwtTokenSignatureMismatched";
}

const JWT_FAILURES: Record<string, string> = {
  JwtTokenExpired: "The token has expired.",
  JwtTokenNotBefore: "The token is not valid yet (nbf).",
  JwtTokenIssuedAt: "The token's iat is in the future.",
  JwtTokenIssuer: "The token's issuer is not accepted.",
  JwtTokenAudience: "The token's audience is not accepted.",
  JwtPayloadRequiresAud: "The token has no aud claim; this collector requires one.",
  JwtTokenSignatureMismatched: "The token's signature does not verify.",
  JwtHeaderRequiresKid: "The token's header has no kid.",
};

function describeJwtFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  return JWT_FAILURES[name] ?? "The token is not valid.";
}

function definedOnly<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
