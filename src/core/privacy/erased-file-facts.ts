/**
 * What the manifest records of an export file an erasure rewrote, from the lines left in it: the events and
 * their types, the first and last `receivedat`, and how many happened on a day before the file's day folder
 * (the day manifest's `events_from_earlier_days`), so every count the pull API shows is the file's as it now is.
 * @module
 */
import { countEarlierDayEvents } from "../exports/earlier-day-events.js";
import { countEventTypes, type EventTypeCounts } from "../exports/event-type-counts.js";

export interface ErasedFileFacts {
  events: number;
  typeCounts: EventTypeCounts;
  firstReceivedAt: string;
  lastReceivedAt: string;
  earlierDayEvents: number;
}

interface ExportedLine {
  type: string;
  receivedat: string;
  eventtime?: string;
}

/** `text`: the JSON Lines left in the file (at least one line); `day`: the file's day folder. */
export function erasedFileFacts(text: string, day: string): ErasedFileFacts {
  const events = text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as ExportedLine);
  // receivedat is ISO-8601 UTC with milliseconds, so text order is time order.
  const received = events.map((event) => event.receivedat).sort();
  return {
    events: events.length,
    typeCounts: countEventTypes(events),
    firstReceivedAt: received[0] ?? "",
    lastReceivedAt: received.at(-1) ?? "",
    earlierDayEvents: countEarlierDayEvents(events, day),
  };
}
