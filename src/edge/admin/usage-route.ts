/**
 * The operator's usage report (issue 16), ADMIN_TOKEN like every /admin route:
 *   GET /admin/tenants/{tenant}/usage?from=&to=   the tenant's counted days, each with its estimated cost, and the total
 *   GET /admin/usage?from=&to=&limit=             every tenant's totals over the period, most events accepted first
 * `from` and `to` are UTC days (yyyy-mm-dd, both included), by default the current UTC month up to today, at most
 * MAX_PERIOD_DAYS apart. The counts are what the consumers added per batch (src/consumer/count-tenant-usage.ts,
 * src/delivery/count-deliveries.ts); the cost is core/usage/usage-cost.ts's estimate at the bench's list prices.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { utcDay } from "../../core/exports/export-key.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { PRICES_AS_OF } from "../../core/usage/list-prices.js";
import { addUsage, noUsage, type UsageCounts } from "../../core/usage/tenant-usage.js";
import { estimateCost } from "../../core/usage/usage-cost.js";
import { rankTenantsByEvents, readTenantDays } from "../../consumer/tenant-usage-store.js";
import type { EdgeEnv } from "../edge-env.js";
import { dayParam, pageLimitParam, readQuery, requireFromNotAfterTo } from "../query-params.js";
import { addLogFields } from "../request-log.js";
import { tenantInPath } from "./destinations-route.js";

/** A year and a day: a leap year's report in one request. */
export const MAX_PERIOD_DAYS = 366;

const periodShape = { from: dayParam.optional(), to: dayParam.optional() };
const tenantUsageQuerySchema = z.strictObject(periodShape);
const rankingQuerySchema = z.strictObject({ ...periodShape, limit: pageLimitParam(1000).default(100) });
const HELP = "the parameters are from and to (yyyy-mm-dd)";

export async function getTenantUsage(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const { from, to } = periodOf(readQuery(new URL(c.req.url), tenantUsageQuerySchema, HELP), new Date());
  const days = await readTenantDays(c.env.DB, tenant, from, to);
  const total = noUsage();
  for (const { counts } of days) addUsage(total, counts);
  addLogFields(c, { tenant, days: days.length });
  return c.json(
    {
      tenant,
      from,
      to,
      prices_as_of: PRICES_AS_OF,
      days: days.map(({ day, counts }) => ({ day, ...withCost(counts) })),
      total: withCost(total),
    },
    200,
    { "cache-control": "no-store" },
  );
}

export async function getUsageRanking(c: Context<EdgeEnv>): Promise<Response> {
  const query = readQuery(new URL(c.req.url), rankingQuerySchema, `${HELP}, and limit`);
  const { from, to } = periodOf(query, new Date());
  const tenants = await rankTenantsByEvents(c.env.DB, from, to, query.limit);
  addLogFields(c, { tenants: tenants.length });
  return c.json(
    {
      from,
      to,
      prices_as_of: PRICES_AS_OF,
      tenants: tenants.map(({ tenant, counts }, index) => ({ rank: index + 1, tenant, ...withCost(counts) })),
    },
    200,
    { "cache-control": "no-store" },
  );
}

function withCost(counts: UsageCounts) {
  return { ...counts, estimated_cost: estimateCost(counts) };
}

/** The period asked for: by default from the first of the current UTC month to today. */
export function periodOf(query: { from?: string | undefined; to?: string | undefined }, now: Date) {
  const today = utcDay(now);
  const from = query.from ?? `${today.slice(0, 7)}-01`;
  const to = query.to ?? today;
  requireFromNotAfterTo(from, to);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new CollectorError(
      "invalid_query",
      `from ${from} to ${to} is ${days} days; ask for at most ${MAX_PERIOD_DAYS}.`,
    );
  }
  return { from, to };
}
