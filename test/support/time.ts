/**
 * Lengths of time and days the tests place things at (export day folders, claim ages, cron runs), and times
 * written as a device writes them.
 * @module
 */

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Noon UTC `days` days before today: a day folder that is closed when days >= 2, open when days <= 1. */
export function noonDaysAgo(days: number): Date {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days, 12));
}

/** `ms` written as a device would, in local time at `offsetMinutes` east of UTC, e.g. 2026-11-26T13:00:00.000+01:00. */
export function deviceTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * MINUTE_MS).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0");
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, "0");
  return `${local}${sign}${hours}:${minutes}`;
}
