/**
 * Which requested keys can name one of the caller's export files: only the exact shape the consumer writes
 * (src/core/exports/export-key.ts) under the caller's own tenant prefix. Anything else, a `..`, an encoded slash, another
 * tenant's prefix, is simply not a key of theirs: the routes answer it exactly as they answer a missing file.
 * @module
 */
import { isValidTenant } from "../../core/tenants/tenant-name.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** `{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{yyyy}-{mm}-{dd}T{HH}{MM}_{HHMMSS.mmm}_{uuid}.jsonl.gz` after the tenant. */
const KEY_AFTER_TENANT = new RegExp(
  `^(\\d{4})/\\1-(\\d{2})/\\1-\\2-(\\d{2})/\\1-\\2-\\3T\\d{4}_\\d{6}\\.\\d{3}_${UUID}\\.jsonl\\.gz$`,
);

export function isTenantExportKey(key: string, tenant: string): boolean {
  if (!isValidTenant(tenant)) return false;
  const prefix = `${tenant}/`;
  return key.startsWith(prefix) && KEY_AFTER_TENANT.test(key.slice(prefix.length));
}

/**
 * The key a request path names after the route's prefix (`/v1/exports/`), percent-decoded once (so a client may
 * send the key with its slashes as they are or as %2F), or undefined when it does not decode.
 */
export function keyFromPath(pathname: string, routePrefix: string): string | undefined {
  if (!pathname.startsWith(routePrefix)) return undefined;
  try {
    return decodeURIComponent(pathname.slice(routePrefix.length));
  } catch {
    return undefined;
  }
}
