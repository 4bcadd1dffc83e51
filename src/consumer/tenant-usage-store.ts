/**
 * The D1 statements over tenant_day_usage (migration 0015): adding a batch's counts to a tenant's day (one
 * upsert per tenant per batch, from the export consumer and the delivery consumer), and the operator's reads, a
 * tenant's days and every tenant's totals over a period. The counters and their columns are
 * core/usage/tenant-usage.ts's; the SQL is written from that list, never from input.
 * @module
 */
import { noUsage, USAGE_COUNTERS, type UsageCounts } from "../core/usage/tenant-usage.js";

const COLUMNS = USAGE_COUNTERS.join(", ");
const PLACEHOLDERS = USAGE_COUNTERS.map((_, index) => `?${index + 4}`).join(", ");
const ADDITIONS = USAGE_COUNTERS.map((counter) => `${counter} = ${counter} + excluded.${counter}`).join(", ");
const ADD_DAY_USAGE_SQL = `INSERT INTO tenant_day_usage (tenant, day, updated_at, ${COLUMNS}) VALUES (?1, ?2, ?3, ${PLACEHOLDERS})
  ON CONFLICT (tenant, day) DO UPDATE SET ${ADDITIONS}, updated_at = excluded.updated_at`;

/** The statement that adds `counts` to the tenant's day, for the caller's batch of statements. */
export function addDayUsageStatement(
  db: D1Database,
  tenant: string,
  day: string,
  counts: UsageCounts,
  now: number,
): D1PreparedStatement {
  return db.prepare(ADD_DAY_USAGE_SQL).bind(tenant, day, now, ...USAGE_COUNTERS.map((counter) => counts[counter]));
}

export interface DayUsage {
  day: string;
  counts: UsageCounts;
}

/** The tenant's counted days from `from` to `to` (yyyy-mm-dd, both included), oldest first; days without any are absent. */
export async function readTenantDays(db: D1Database, tenant: string, from: string, to: string): Promise<DayUsage[]> {
  const rows = await db
    .prepare(`SELECT day, ${COLUMNS} FROM tenant_day_usage WHERE tenant = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day`)
    .bind(tenant, from, to)
    .all<Record<string, number | string>>();
  return rows.results.map((row) => ({ day: String(row.day), counts: countsOf(row) }));
}

export interface TenantTotal {
  tenant: string;
  counts: UsageCounts;
}

/** Every tenant's totals from `from` to `to`, most events accepted first (then by name), at most `limit`. */
export async function rankTenantsByEvents(
  db: D1Database,
  from: string,
  to: string,
  limit: number,
): Promise<TenantTotal[]> {
  const sums = USAGE_COUNTERS.map((counter) => `sum(${counter}) AS ${counter}`).join(", ");
  const rows = await db
    .prepare(
      `SELECT tenant, ${sums} FROM tenant_day_usage WHERE day BETWEEN ?1 AND ?2
       GROUP BY tenant ORDER BY events_accepted DESC, tenant LIMIT ?3`,
    )
    .bind(from, to, limit)
    .all<Record<string, number | string>>();
  return rows.results.map((row) => ({ tenant: String(row.tenant), counts: countsOf(row) }));
}

function countsOf(row: Record<string, number | string>): UsageCounts {
  const counts = noUsage();
  for (const counter of USAGE_COUNTERS) counts[counter] = Number(row[counter] ?? 0);
  return counts;
}
