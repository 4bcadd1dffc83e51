/**
 * Builds the body of one export file: the events as gzipped JSON Lines, and the facts its R2 metadata and
 * manifest row record about it.
 * @module
 */
import { gzipText } from "./gzip.js";
import { jsonLinesPieces } from "./jsonl.js";
import { buildUseridFilter, USERID_FILTER_METADATA_KEY } from "../privacy/userid-filter.js";
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

/** The custom metadata of the R2 object: R2 metadata values are strings. */
export function exportFileMetadata(file: ExportFile): Record<string, string> {
  return {
    events: String(file.events),
    first_receivedat: file.firstReceivedAt,
    last_receivedat: file.lastReceivedAt,
    [USERID_FILTER_METADATA_KEY]: file.useridFilter,
  };
}
