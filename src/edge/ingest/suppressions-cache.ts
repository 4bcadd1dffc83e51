/**
 * The users a tenant suppresses (erased with suppress, docs/privacy.md), for the ingest route: the tenant's
 * list of userid hashes read from D1 at most once per TENANT_CACHE_SECONDS per isolate, like the tenant
 * settings, so a request costs no D1 query. A new suppression reaches other isolates within that time.
 * @module
 */
import { readConfig } from "../../core/foundation/config.js";
import { logError } from "../../core/foundation/log.js";
import { useridHash } from "../../core/privacy/userid-hash.js";
import { suppressedHashes } from "../../consumer/erasure-store.js";

interface CachedSuppressions {
  hashes: ReadonlySet<string>;
  expiresAt: number;
}

const cache = new Map<string, CachedSuppressions>();

/** Whether the tenant suppresses `userid`. */
export async function isSuppressed(env: Env, tenant: string, userid: string): Promise<boolean> {
  const hashes = await suppressionsOf(env, tenant);
  return hashes.size > 0 && hashes.has(await useridHash(userid));
}

/** Forget a tenant's cached list (this isolate): after the admin routes change it, and in tests. */
export function forgetSuppressions(tenant?: string): void {
  if (tenant === undefined) cache.clear();
  else cache.delete(tenant);
}

async function suppressionsOf(env: Env, tenant: string): Promise<ReadonlySet<string>> {
  const now = Date.now();
  const cached = cache.get(tenant);
  if (cached && cached.expiresAt > now) return cached.hashes;
  try {
    const hashes = new Set(await suppressedHashes(env.DB, tenant));
    cache.set(tenant, { hashes, expiresAt: now + readConfig(env).tenancy.cacheSeconds * 1000 });
    return hashes;
  } catch (error) {
    // Ingest goes on with the list this isolate last read (or none): a suppression is not a reason to drop
    // every user's events while D1 is away.
    logError("suppressions_error", { tenant }, error);
    return cached?.hashes ?? new Set();
  }
}
