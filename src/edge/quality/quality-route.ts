/**
 * GET /v1/quality/realtime, /daily?from&to, /monthly?from&to: the token's tenant's rejected events beside its
 * exported ones, from the same rollup rows and with the same ranges and query rules as the summaries
 * (src/edge/summaries/).
 * @module
 */
import type { Context } from "hono";
import type { RollupRows } from "../../core/exports/ledger-protocol.js";
import type { SummaryRange } from "../../core/insights/summary-range.js";
import { buildQualitySummary } from "../../core/quality/quality-summary.js";
import type { EdgeEnv } from "../edge-env.js";
import type { SummaryView } from "../summaries/summaries-query.js";
import { answerFromRollups } from "../summaries/summaries-route.js";

export const getRealtimeQuality = (c: Context<EdgeEnv>) => answerFromRollups(c, "realtime", qualityOf);

export const getDailyQuality = (c: Context<EdgeEnv>) => answerFromRollups(c, "daily", qualityOf);

export const getMonthlyQuality = (c: Context<EdgeEnv>) => answerFromRollups(c, "monthly", qualityOf);

function qualityOf(view: SummaryView, range: SummaryRange, rows: RollupRows) {
  return buildQualitySummary({ view, periods: range.periods, counts: rows.counts });
}
