/**
 * Lengths of time and days the tests place things at (export day folders, claim ages, cron runs).
 * @module
 */

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Noon UTC `days` days before today: a day folder that is closed when days >= 2, open when days <= 1. */
export function noonDaysAgo(days: number): Date {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days, 12));
}
