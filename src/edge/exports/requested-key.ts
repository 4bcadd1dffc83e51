/**
 * Which requested keys can name one of the caller's files: only the exact shapes the collector writes
 * (src/core/exports/export-key.ts: the JSON Lines export files, the Parquet files of closed days, the daily and
 * monthly aggregates) under the caller's own tenant prefix. Anything else, a `..`, an encoded slash, another
 * tenant's prefix, is simply not a key of theirs: the routes answer it exactly as they answer a missing file.
 * @module
 */
import type { ExportFormat } from "../../core/exports/export-key.js";
import { isValidTenant } from "../../core/tenants/tenant-name.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const DAY_FOLDER = "(\\d{4})/\\1-(\\d{2})/\\1-\\2-(\\d{2})";
const DAY = "\\1-\\2-\\3";

/** Each format's key after `{tenant}/`. */
const KEYS_AFTER_TENANT: Record<ExportFormat, RegExp> = {
  jsonl: new RegExp(`^${DAY_FOLDER}/${DAY}T\\d{4}_\\d{6}\\.\\d{3}_${UUID}\\.jsonl\\.gz$`),
  parquet: new RegExp(`^parquet/${DAY_FOLDER}/${DAY}_\\d{3}\\.parquet$`),
  aggregates: /^aggregates\/(\d{4})\/(?:\1-\d{2}|\1-(\d{2})\/\1-\2-\d{2})\.json$/,
};

/** The format of `key` if it is one of the tenant's keys, else undefined. */
export function formatOfTenantKey(key: string, tenant: string): ExportFormat | undefined {
  if (!isValidTenant(tenant)) return undefined;
  const prefix = `${tenant}/`;
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const formats = Object.keys(KEYS_AFTER_TENANT) as ExportFormat[];
  return formats.find((format) => KEYS_AFTER_TENANT[format].test(rest));
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
