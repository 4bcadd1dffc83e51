/**
 * What the operator's usage report counts per tenant and UTC day (issue 16): the counters, named as their D1
 * columns (migration 0015, tenant_day_usage) and their JSON fields, and a tally that adds a batch's counts up
 * per tenant before the batch writes one row per tenant. The consumer and the delivery consumer count; the edge
 * knows some counters only it can see (requests, bytes, rejected, suppressed, 429s).
 * @module
 */

/** Every counter of a tenant's day, in report order. */
export const USAGE_COUNTERS = [
  /** Ingest requests (POST /v1/events) answered, whatever the answer. */
  "requests",
  /** Events the edge accepted and queued. */
  "events_accepted",
  /** Events the edge rejected as invalid. */
  "events_rejected",
  /** Valid events dropped because the tenant suppresses the token's user. */
  "events_suppressed",
  /** Accepted events the export dropped as copies of events already exported (re-sent or redelivered). */
  "duplicates_dropped",
  /** Events written to export files. */
  "events_exported",
  /** Request bytes as they came over the wire (gzip included), and once decoded. */
  "wire_bytes",
  "decoded_bytes",
  /** Requests answered 429 (rate_limited or quota_exceeded). */
  "responses_429",
  /** Queue operations the tenant's messages cost: a write, a read and a delete per 64 KB of each message. */
  "queue_operations",
  /** Export files written to R2 and their gzip bytes. */
  "files_exported",
  "bytes_exported",
  /** Files pushed to the tenant's destinations and their bytes. */
  "files_delivered",
  "bytes_delivered",
] as const;

export type UsageCounter = (typeof USAGE_COUNTERS)[number];
export type UsageCounts = Record<UsageCounter, number>;

export function noUsage(): UsageCounts {
  return Object.fromEntries(USAGE_COUNTERS.map((counter) => [counter, 0])) as UsageCounts;
}

/** Adds `more` into `into`, counter by counter. */
export function addUsage(into: UsageCounts, more: Partial<UsageCounts>): UsageCounts {
  for (const counter of USAGE_COUNTERS) into[counter] += more[counter] ?? 0;
  return into;
}

/** A batch's counts per tenant, added up as the batch goes, so it ends in one row per tenant. */
export class UsageTally {
  readonly #tenants = new Map<string, UsageCounts>();

  add(tenant: string, counts: Partial<UsageCounts>): void {
    let tenantCounts = this.#tenants.get(tenant);
    if (!tenantCounts) {
      tenantCounts = noUsage();
      this.#tenants.set(tenant, tenantCounts);
    }
    addUsage(tenantCounts, counts);
  }

  /** The tenants with something counted, and their counts. */
  entries(): [string, UsageCounts][] {
    return [...this.#tenants].filter(([, counts]) => USAGE_COUNTERS.some((counter) => counts[counter] !== 0));
  }
}
