/**
 * Counts an export file's events by `type`, for its manifest row and so for the day manifest's counts.
 * @module
 */

export type EventTypeCounts = Record<string, number>;

export function countEventTypes(events: readonly { type: string }[]): EventTypeCounts {
  const counts: EventTypeCounts = {};
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}
