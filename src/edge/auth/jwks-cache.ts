/**
 * Caches the JSON Web Key Set of JWKS_URL in the isolate, so verifying an RS256/ES256 token costs no fetch.
 * Refreshes when the cache is older than its lifetime or a token names a key id it has not seen (key rotation),
 * at most once per REFRESH_COOLDOWN_MS after a success. A failed fetch backs off (FAILURE_BACKOFF, doubling with
 * each failure in a row) whether or not keys are cached: until then requests are served the keys already held, or,
 * with none, refused at once with 503 instead of each waiting on another fetch. Concurrent requests share one fetch.
 * @module
 */
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { CollectorError } from "../../core/foundation/errors.js";
import { logError, logInfo } from "../../core/foundation/log.js";
import { type Backoff, retryDelaySeconds } from "../../core/foundation/retry-backoff.js";

const REFRESH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
/** After the first failure 5 s without a fetch, then 10 s, 20 s … up to 5 minutes. */
export const JWKS_FAILURE_BACKOFF: Backoff = { firstSeconds: 5, maxSeconds: 5 * 60 };

interface KeySetState {
  /** The keys of the last successful fetch, if any. */
  keys: HonoJsonWebKey[] | undefined;
  fetchedAt: number;
  /** No fetch starts before this (epoch ms): the cooldown after a success, the backoff after a failure. */
  nextFetchAt: number;
  /** Failed fetches since the last success. */
  failures: number;
  /** The fetch under way, which every request that needs it awaits. */
  inFlight: Promise<void> | undefined;
}

const keySets = new Map<string, KeySetState>();

export async function jwksKeys(
  url: string,
  maxAgeSeconds: number,
  wantedKid: string | undefined,
): Promise<HonoJsonWebKey[]> {
  const state = stateFor(url);
  if (state.keys && !needsRefresh(state.keys, state.fetchedAt, maxAgeSeconds, wantedKid)) return state.keys;
  if (!state.inFlight && Date.now() >= state.nextFetchAt) {
    state.inFlight = refresh(url, state).finally(() => {
      state.inFlight = undefined;
    });
  }
  if (state.inFlight) await state.inFlight;
  if (state.keys) return state.keys;
  const retryAfter = Math.max(1, Math.ceil((state.nextFetchAt - Date.now()) / 1000));
  throw new CollectorError("temporarily_unavailable", "The token signing keys cannot be loaded; retry later.", {
    headers: { "retry-after": String(retryAfter) },
  });
}

/** For tests: forget every cached key set and every failure. */
export function clearJwksCache(): void {
  keySets.clear();
}

function stateFor(url: string): KeySetState {
  let state = keySets.get(url);
  if (!state) {
    state = { keys: undefined, fetchedAt: 0, nextFetchAt: 0, failures: 0, inFlight: undefined };
    keySets.set(url, state);
  }
  return state;
}

/** Never rejects: the outcome is in the state, for every request awaiting it. */
async function refresh(url: string, state: KeySetState): Promise<void> {
  try {
    const keys = await fetchKeySet(url);
    const now = Date.now();
    Object.assign(state, { keys, fetchedAt: now, nextFetchAt: now + REFRESH_COOLDOWN_MS, failures: 0 });
    logInfo("jwks_refresh", { keys: keys.length });
  } catch (error) {
    state.failures++;
    const backoffSeconds = retryDelaySeconds(state.failures, JWKS_FAILURE_BACKOFF);
    state.nextFetchAt = Date.now() + backoffSeconds * 1000;
    logError("jwks_error", { failures: state.failures, backoff_seconds: backoffSeconds }, error);
  }
}

function needsRefresh(
  keys: readonly HonoJsonWebKey[],
  fetchedAt: number,
  maxAgeSeconds: number,
  wantedKid: string | undefined,
): boolean {
  if (Date.now() - fetchedAt > maxAgeSeconds * 1000) return true;
  if (wantedKid === undefined) return false;
  return !keys.some((key) => key.kid === wantedKid);
}

async function fetchKeySet(url: string): Promise<HonoJsonWebKey[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
  const body = (await response.json()) as { keys?: unknown };
  if (!Array.isArray(body.keys)) throw new Error("JWKS has no keys array");
  return body.keys as HonoJsonWebKey[];
}
