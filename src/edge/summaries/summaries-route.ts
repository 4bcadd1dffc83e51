/**
 * GET /v1/summaries/realtime, /daily?from&to&time, /monthly?from&to&time: the caller's insights, answered from
 * the rollups the consumer keeps (in the tenant's ledger shards) for the token's tenant.
 * @module
 */
import type { Context } from "hono";
import { buildSummary } from "../../core/insights/insight-summary.js";
import type { Summary } from "../../core/insights/insight-summary-schema.js";
import type { SummaryRange } from "../../core/insights/summary-range.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";
import { readRollups } from "./rollup-reads.js";
import { parseDailyQuery, parseMonthlyQuery, parseRealtimeQuery } from "./summaries-query.js";

export const getRealtimeSummary = (c: Context<EdgeEnv>) => answer(c, "realtime", parseRealtimeQuery);

export const getDailySummary = (c: Context<EdgeEnv>) => answer(c, "daily", parseDailyQuery);

export const getMonthlySummary = (c: Context<EdgeEnv>) => answer(c, "monthly", parseMonthlyQuery);

async function answer(
  c: Context<EdgeEnv>,
  view: Summary["view"],
  rangeOf: (url: URL, now: Date) => SummaryRange,
): Promise<Response> {
  const range = rangeOf(new URL(c.req.url), new Date());
  const rows = await readRollups(c.env, c.get("principal").tenant, range);
  const summary: Summary = buildSummary({ view, time: range.axis, periods: range.periods, ...rows });
  addLogFields(c, { periods: range.periods.length, time_axis: range.axis });
  return c.json(summary, 200, { "cache-control": "private, no-store" });
}
