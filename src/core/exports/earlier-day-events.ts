/**
 * Counts an export file's events that happened on a UTC day before the file's day folder (a late event lands in
 * the folder of when it was written, per the Omny convention), for its manifest row and so for the day manifest.
 * @module
 */

/**
 * Events whose eventtime falls on a day before `day` (yyyy-mm-dd). An event queued before eventtime existed
 * counts by its receivedat. Both are UTC ISO-8601, so their first ten characters are their day.
 */
export function countEarlierDayEvents(
  events: readonly { eventtime?: string | undefined; receivedat: string }[],
  day: string,
): number {
  let count = 0;
  for (const event of events) if ((event.eventtime ?? event.receivedat).slice(0, 10) < day) count++;
  return count;
}
