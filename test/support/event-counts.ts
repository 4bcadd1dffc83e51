/**
 * What a list of events should count to, worked out by the test itself (not by the code under test). Plain
 * TypeScript: for workerd and Node tests alike.
 * @module
 */

/** How many of `events` have each value of `field` (only events that have it). */
export function tally(
  events: readonly Record<string, unknown>[],
  field: string,
  map = (value: string) => value,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    if (event[field] === undefined) continue;
    const value = map(String(event[field]));
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}
