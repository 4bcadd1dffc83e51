/**
 * Where an export file lands at a destination: its key relative to the tenant's R2 prefix (the Omny folder and
 * file convention, `{yyyy}/{yyyy-mm}/{yyyy-mm-dd}/{name}.jsonl.gz`) under the destination's prefix.
 * @module
 */

export function destinationObjectKey(fileKey: string, tenant: string, prefix: string): string {
  const tenantPrefix = `${tenant}/`;
  if (!fileKey.startsWith(tenantPrefix)) throw new Error(`export key ${fileKey} is not under ${tenantPrefix}`);
  const relative = fileKey.slice(tenantPrefix.length);
  const folder = prefix.replace(/\/+$/, "");
  return folder === "" ? relative : `${folder}/${relative}`;
}

/** A key as a URL path: each segment percent-encoded, the slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}
