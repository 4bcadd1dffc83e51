/**
 * Reads a queue message body into its tenant and events, or throws if it is poison (not what the edge sends).
 * The body is parsed once (parseEventMessage checks the parsed value and returns it as it is, fields in the
 * edge's order).
 * @module
 */
import { parseEventMessage } from "../core/events/queue-message.js";
import { sessionEventOf } from "../core/exports/shard-groups.js";
import type { QueuedEvent } from "../core/exports/tenant-groups.js";
import type { RequestReport } from "../core/events/request-report.js";

export interface DecodedEventMessage {
  tenant: string;
  /** Empty for a report sent alone (then the report has its id). */
  events: QueuedEvent[];
  report: RequestReport | undefined;
}

export function decodeEventMessage(body: unknown): DecodedEventMessage {
  const message = parseEventMessage(body);
  // The ledger keys every event by its session and sequence number: an event without them could never be claimed.
  for (const event of message.events) sessionEventOf(event);
  return { tenant: message.tenant, events: message.events, report: message.report };
}
