/**
 * A tenant's optional monthly event quota: the UTC month events are counted in, how many the tenant has had in
 * it, and when a tenant over its quota may send again (the first instant of the next UTC month). The consumer
 * counts exported events per tenant and month (src/consumer/count-tenant-usage.ts); the edge reads the count
 * beside the tenant's settings, so it sees it up to TENANT_CACHE_SECONDS late.
 * @module
 */

/** Events a tenant had exported in one UTC month, as the edge last read them. */
export interface MonthEvents {
  /** "yyyy-mm", UTC. */
  month: string;
  events: number;
}

/** The UTC month of `at`, "yyyy-mm" (years 0 to 9999). */
export function utcMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** Whole seconds from `now` until the next UTC month begins; at least 1. */
export function secondsUntilNextMonth(now: Date): number {
  const next = new Date(0);
  next.setUTCFullYear(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
}

/**
 * Whether a tenant with `quota` events a month (null: no quota) has used it up, by the count `counted` read for
 * some month. A count of an earlier month (read before the month turned) counts as none.
 */
export function isQuotaUsedUp(quota: number | null, counted: MonthEvents, now: Date): boolean {
  if (quota === null) return false;
  return counted.month === utcMonth(now) && counted.events >= quota;
}
