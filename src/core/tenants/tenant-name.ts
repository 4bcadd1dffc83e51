/**
 * What a tenant name may be: it becomes the first segment of every export key, so it must be a safe path segment.
 * @module
 */

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidTenant(value: unknown): value is string {
  return typeof value === "string" && TENANT_PATTERN.test(value);
}
