/**
 * The periods of each summary view and the rollup rows that answer it: realtime is the last 60 minutes (the
 * current one included) from minute rows; daily is up to 90 days and monthly up to 12 months, both from day rows,
 * on either time axis (received, the default, or event; realtime is received only). All UTC; every period label is a prefix of the bucket labels it adds up (see insight-rollup.ts).
 * @module
 */
import type { RollupAxis, RollupGrain } from "./insight-rollup.js";

export const REALTIME_MINUTES = 60;
export const MAX_DAILY_DAYS = 90;
export const DEFAULT_DAILY_DAYS = 30;
export const MAX_MONTHLY_MONTHS = 12;

/** The earliest day the summaries' yyyy-mm-dd labels can write (and its month, 0000-01, the earliest month). */
export const FIRST_DAY = "0000-01-01";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface SummaryRange {
  axis: RollupAxis;
  grain: RollupGrain;
  /** Inclusive bounds on the bucket label. */
  firstBucket: string;
  lastBucket: string;
  /** How many leading characters of a bucket label name its period (16 minute, 10 day, 7 month). */
  periodLength: number;
  periods: string[];
}

export function realtimeRange(now: Date): SummaryRange {
  const last = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const periods = Array.from({ length: REALTIME_MINUTES }, (_, index) =>
    new Date(last - (REALTIME_MINUTES - 1 - index) * MINUTE_MS).toISOString().slice(0, 16),
  );
  return {
    axis: "received",
    grain: "minute",
    firstBucket: periods[0]!,
    lastBucket: periods.at(-1)!,
    periodLength: 16,
    periods,
  };
}

/** from and to are yyyy-mm-dd, inclusive, from <= to (the caller checked). */
export function dailyRange(from: string, to: string, axis: RollupAxis = "received"): SummaryRange {
  const periods: string[] = [];
  for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`); day += DAY_MS) {
    periods.push(new Date(day).toISOString().slice(0, 10));
  }
  return { axis, grain: "day", firstBucket: from, lastBucket: to, periodLength: 10, periods };
}

/** from and to are yyyy-mm, inclusive, from <= to (the caller checked). */
export function monthlyRange(from: string, to: string, axis: RollupAxis = "received"): SummaryRange {
  const periods = Array.from({ length: monthsBetween(from, to) }, (_, index) => addMonths(from, index));
  // '-31' bounds every month's days as text, whatever its length.
  return { axis, grain: "day", firstBucket: `${from}-01`, lastBucket: `${to}-31`, periodLength: 7, periods };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function monthsBetween(from: string, to: string): number {
  const [fromYear, fromMonth] = from.split("-").map(Number) as [number, number];
  const [toYear, toMonth] = to.split("-").map(Number) as [number, number];
  return (toYear - fromYear) * 12 + (toMonth - fromMonth) + 1;
}

/** `days` after (or before) `day`, never before FIRST_DAY: the earliest day yyyy-mm-dd can write. */
export function addDays(day: string, days: number): string {
  const moved = Date.parse(`${day}T00:00:00Z`) + days * DAY_MS;
  return moved < Date.parse(`${FIRST_DAY}T00:00:00Z`) ? FIRST_DAY : new Date(moved).toISOString().slice(0, 10);
}

/**
 * `months` after (or before) `month`, never before 0000-01. Counted in whole months, not with Date.UTC, which
 * reads the years 0 to 99 as 1900 to 1999.
 */
export function addMonths(month: string, months: number): string {
  const [year, monthOfYear] = month.split("-").map(Number) as [number, number];
  const index = Math.max(0, year * 12 + (monthOfYear - 1) + months);
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}
