/**
 * GET /v1/summaries/realtime, /daily?from&to&time, /monthly?from&to&time: the caller's insights, answered from
 * the rollups the consumer keeps (in the tenant's ledger shards) for the token's tenant. answerFromRollups is the whole of such a route,
 * shared with the quality counts (src/edge/quality/), which read the same rows with the same ranges.
 * @module
 */
import type { Context } from "hono";
import type { RollupRows } from "../../core/exports/ledger-protocol.js";
import { buildSummary } from "../../core/insights/insight-summary.js";
import type { SummaryRange } from "../../core/insights/summary-range.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";
import { readRollups } from "./rollup-reads.js";
import { SUMMARY_RANGE_OF, type SummaryView } from "./summaries-query.js";

export const getRealtimeSummary = (c: Context<EdgeEnv>) => answerFromRollups(c, "realtime", summaryOf);

export const getDailySummary = (c: Context<EdgeEnv>) => answerFromRollups(c, "daily", summaryOf);

export const getMonthlySummary = (c: Context<EdgeEnv>) => answerFromRollups(c, "monthly", summaryOf);

/** The view's range from the query, the tenant's rollup rows of it, and `build`'s answer of them. */
export async function answerFromRollups(
  c: Context<EdgeEnv>,
  view: SummaryView,
  build: (view: SummaryView, range: SummaryRange, rows: RollupRows) => object,
): Promise<Response> {
  const range = SUMMARY_RANGE_OF[view](new URL(c.req.url), new Date());
  const rows = await readRollups(c.env, c.get("principal").tenant, range);
  addLogFields(c, { periods: range.periods.length, time_axis: range.axis });
  return c.json(build(view, range, rows), 200, { "cache-control": "private, no-store" });
}

function summaryOf(view: SummaryView, range: SummaryRange, rows: RollupRows) {
  return buildSummary({ view, time: range.axis, periods: range.periods, ...rows });
}
