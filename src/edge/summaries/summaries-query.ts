/**
 * Reads the query of GET /v1/summaries/daily and /monthly (from, to, time) into a summary range, or a 400
 * invalid_query whose message names the parameter and what it must be. Daily: days yyyy-mm-dd, at most 90, the
 * last 30 by default. Monthly: months yyyy-mm, at most 12, the last 12 by default. Both inclusive, UTC. time:
 * received (the default) or event. Realtime takes only time=received: its minutes are received minutes.
 * @module
 */
import { z } from "zod";
import { CollectorError } from "../../core/foundation/errors.js";
import {
  addDays,
  addMonths,
  dailyRange,
  daysBetween,
  DEFAULT_DAILY_DAYS,
  MAX_DAILY_DAYS,
  MAX_MONTHLY_MONTHS,
  monthlyRange,
  monthsBetween,
  realtimeRange,
  type SummaryRange,
} from "../../core/insights/summary-range.js";
import { dayParam, readQuery, requireFromNotAfterTo, timeAxisParam } from "../query-params.js";

const HELP = "see docs/insights.md";
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "must be a month written YYYY-MM (UTC)" });

const dailyQuerySchema = z.strictObject({ from: dayParam.optional(), to: dayParam.optional(), time: timeAxisParam });
const monthlyQuerySchema = z.strictObject({ from: month.optional(), to: month.optional(), time: timeAxisParam });

export function parseDailyQuery(url: URL, now: Date): SummaryRange {
  const { from: givenFrom, to: givenTo, time } = readQuery(url, dailyQuerySchema, HELP);
  const to = givenTo ?? now.toISOString().slice(0, 10);
  const from = givenFrom ?? addDays(to, 1 - DEFAULT_DAILY_DAYS);
  requireFromNotAfterTo(from, to);
  if (daysBetween(from, to) > MAX_DAILY_DAYS) {
    throw new CollectorError(
      "invalid_query",
      `The daily summary covers at most ${MAX_DAILY_DAYS} days; ${from} to ${to} is ${daysBetween(from, to)}.`,
    );
  }
  return dailyRange(from, to, time);
}

export function parseMonthlyQuery(url: URL, now: Date): SummaryRange {
  const { from: givenFrom, to: givenTo, time } = readQuery(url, monthlyQuerySchema, HELP);
  const to = givenTo ?? now.toISOString().slice(0, 7);
  const from = givenFrom ?? addMonths(to, 1 - MAX_MONTHLY_MONTHS);
  requireFromNotAfterTo(from, to);
  if (monthsBetween(from, to) > MAX_MONTHLY_MONTHS) {
    throw new CollectorError(
      "invalid_query",
      `The monthly summary covers at most ${MAX_MONTHLY_MONTHS} months; ${from} to ${to} is ${monthsBetween(from, to)}.`,
    );
  }
  return monthlyRange(from, to, time);
}

/**
 * The realtime summary counts minutes by when events were received, so it takes only `time=received`; anything
 * else is a mistake worth saying so.
 */
const realtimeQuerySchema = z.strictObject({
  time: z
    .literal("received", {
      error: "must be received on the realtime summary (its minutes count arrivals; time=event is daily and monthly)",
    })
    .optional(),
});

export function parseRealtimeQuery(url: URL, now: Date): SummaryRange {
  readQuery(url, realtimeQuerySchema, HELP);
  return realtimeRange(now);
}

export type SummaryView = "realtime" | "daily" | "monthly";

/** The range each view reads from its query: the summaries' and the quality counts' (src/edge/quality/). */
export const SUMMARY_RANGE_OF: Record<SummaryView, (url: URL, now: Date) => SummaryRange> = {
  realtime: parseRealtimeQuery,
  daily: parseDailyQuery,
  monthly: parseMonthlyQuery,
};
