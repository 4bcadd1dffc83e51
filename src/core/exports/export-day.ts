/**
 * The UTC days of the export: which text is a day, and when a day is closed. Files land in the folder of the
 * day they are written, and an event may reach a file up to 24 hours after it happened (the Omny export's
 * late-delivery note), so a day's folder is final only 24 hours after the day has ended.
 * @module
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** How late an event may be delivered into a file; the day stays open this long past its end. */
export const LATE_DELIVERY_MS = DAY_MS;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written yyyy-mm-dd (2024-02-30 is not one). */
export function isCalendarDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (!match) return false;
  const start = Date.parse(`${text}T00:00:00.000Z`);
  return !Number.isNaN(start) && new Date(start).toISOString().slice(0, 10) === text;
}

/** When no more files can be written for `day`: the end of the day plus the late-delivery window. */
export function dayClosesAt(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS + LATE_DELIVERY_MS);
}

export function isDayClosed(day: string, now: Date): boolean {
  return now.getTime() >= dayClosesAt(day).getTime();
}
