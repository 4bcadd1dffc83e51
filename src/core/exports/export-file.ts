/**
 * Builds the body of one export file: the events as gzipped JSON Lines, and the facts its R2 metadata and
 * manifest row record about it.
 * @module
 */
import { gzipText } from "./gzip.js";
import { jsonLinesPieces } from "./jsonl.js";
import { buildUseridFilter, USERID_FILTER_METADATA_KEY } from "../privacy/userid-filter.js";
import type { EventTypeCounts } from "./event-type-counts.js";
import type { QueuedEvent } from "./tenant-groups.js";

export interface ExportFile {
  body: Uint8Array;
  events: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** Which userids the file may hold, for erasures (src/core/privacy/userid-filter.ts). */
  useridFilter: string;
}

/** `events` must be non-empty and in received order. */
export async function buildExportFile(events: readonly QueuedEvent[]): Promise<ExportFile> {
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) throw new Error("an export file needs at least one event");
  const body = await gzipText(jsonLinesPieces(events));
  return {
    body,
    events: events.length,
    firstReceivedAt: first.receivedat,
    lastReceivedAt: last.receivedat,
    useridFilter: buildUseridFilter(
      events.flatMap((event) => (typeof event.userid === "string" ? [event.userid] : [])),
    ),
  };
}

/**
 * The names of the facts in an export object's custom metadata: the pull API lists a file from them once its
 * manifest row has aged out (src/edge/exports/stored-files.ts), so an erasure's rewrite updates events and types.
 */
export const FACTS_METADATA = {
  events: "events",
  firstReceivedAt: "first_receivedat",
  lastReceivedAt: "last_receivedat",
  typeCounts: "type_counts",
  earlierDayEvents: "earlier_day_events",
} as const;

/** What the manifest also records of a file: its events by type and how many happened on an earlier day. */
export interface FileCounts {
  typeCounts: EventTypeCounts;
  earlierDayEvents: number;
}

/** The custom metadata of the R2 object: R2 metadata values are strings (8 KB in all; the filter takes 1.4). */
export function exportFileMetadata(file: ExportFile, counts: FileCounts): Record<string, string> {
  return {
    [FACTS_METADATA.events]: String(file.events),
    [FACTS_METADATA.firstReceivedAt]: file.firstReceivedAt,
    [FACTS_METADATA.lastReceivedAt]: file.lastReceivedAt,
    [FACTS_METADATA.typeCounts]: JSON.stringify(counts.typeCounts),
    [FACTS_METADATA.earlierDayEvents]: String(counts.earlierDayEvents),
    [USERID_FILTER_METADATA_KEY]: file.useridFilter,
  };
}
