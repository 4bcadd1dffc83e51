/**
 * Caches the JSON Web Key Set of JWKS_URL in the isolate, so verifying an RS256/ES256 token costs no fetch.
 * Refreshes when the cache is older than its lifetime or a token names a key id it has not seen (key rotation),
 * at most once per REFRESH_COOLDOWN_MS; a failed refresh keeps serving the keys it has.
 * @module
 */
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { CollectorError } from "../../core/foundation/errors.js";
import { logError, logInfo } from "../../core/foundation/log.js";

const REFRESH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

interface CachedKeySet {
  keys: HonoJsonWebKey[];
  fetchedAt: number;
}

const keySets = new Map<string, CachedKeySet>();

export async function jwksKeys(
  url: string,
  maxAgeSeconds: number,
  wantedKid: string | undefined,
): Promise<HonoJsonWebKey[]> {
  const cached = keySets.get(url);
  const now = Date.now();
  if (cached && !needsRefresh(cached, now, maxAgeSeconds, wantedKid)) return cached.keys;
  if (cached && now - cached.fetchedAt < REFRESH_COOLDOWN_MS) return cached.keys;
  try {
    const keys = await fetchKeySet(url);
    keySets.set(url, { keys, fetchedAt: now });
    logInfo("jwks_refresh", { keys: keys.length });
    return keys;
  } catch (error) {
    logError("jwks_error", {}, error);
    if (cached) return cached.keys;
    throw new CollectorError("temporarily_unavailable", "The token signing keys cannot be loaded; retry later.", {
      cause: error,
    });
  }
}

/** For tests: forget every cached key set. */
export function clearJwksCache(): void {
  keySets.clear();
}

function needsRefresh(
  cached: CachedKeySet,
  now: number,
  maxAgeSeconds: number,
  wantedKid: string | undefined,
): boolean {
  if (now - cached.fetchedAt > maxAgeSeconds * 1000) return true;
  if (wantedKid === undefined) return false;
  return !cached.keys.some((key) => key.kid === wantedKid);
}

async function fetchKeySet(url: string): Promise<HonoJsonWebKey[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
  const body = (await response.json()) as { keys?: unknown };
  if (!Array.isArray(body.keys)) throw new Error("JWKS has no keys array");
  return body.keys as HonoJsonWebKey[];
}
