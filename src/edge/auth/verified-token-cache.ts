/**
 * The tokens this isolate has already verified. A device sends the same token with every request until it
 * refreshes it, so the signature check (HMAC, RSA or ECDSA through crypto.subtle, the largest part of a small
 * request's own CPU) runs once per token per isolate instead of once per request. Keyed by the token's text, per
 * auth settings object (a new env, e.g. another secret, starts empty); only a token that passed verification is
 * kept, until its exp or for five minutes, whichever is sooner (a key dropped from the JWKS stops verifying
 * within that); at most 10,000 tokens, the oldest dropped first. The claims are still checked on every request.
 * @module
 */
import type { JWTPayload } from "hono/utils/jwt/types";
import type { AuthConfig } from "../../core/foundation/config.js";

/** How long a verified token is trusted without verifying it again, at most. */
const KEEP_MS = 5 * 60 * 1000;
/** The most tokens one isolate remembers (a few MB at most). */
const MAX_TOKENS = 10_000;

interface VerifiedToken {
  payload: JWTPayload;
  /** Epoch ms: the token's exp or KEEP_MS after it was verified, whichever is sooner. */
  until: number;
}

const verifiedBySettings = new WeakMap<AuthConfig, Map<string, VerifiedToken>>();

/** The payload of a token verified before with these settings and still within its time; otherwise undefined. */
export function verifiedBefore(token: string, auth: AuthConfig): JWTPayload | undefined {
  const verified = verifiedBySettings.get(auth);
  const entry = verified?.get(token);
  if (!entry) return undefined;
  if (Date.now() < entry.until) return entry.payload;
  verified?.delete(token);
  return undefined;
}

/** Remembers a token that has just passed verification; its payload must carry a numeric exp. */
export function rememberVerified(token: string, auth: AuthConfig, payload: JWTPayload): void {
  if (typeof payload.exp !== "number") return;
  let verified = verifiedBySettings.get(auth);
  if (!verified) {
    verified = new Map();
    verifiedBySettings.set(auth, verified);
  }
  if (verified.size >= MAX_TOKENS) {
    const oldest = verified.keys().next();
    if (!oldest.done) verified.delete(oldest.value);
  }
  verified.set(token, { payload, until: Math.min(payload.exp * 1000, Date.now() + KEEP_MS) });
}
