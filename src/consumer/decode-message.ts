/**
 * Reads a queue message body into its tenant and events, or throws if it is poison (not what the edge sends).
 * parseEventMessage validates; the events are then taken from the plain JSON because zod's output lists the
 * schema's keys first, which would reorder the fields of every exported line (the edge writes server fields
 * first, then the event as the device sent it).
 * @module
 */
import { parseEventMessage } from "../core/events/queue-message.js";
import { sessionEventOf } from "../core/exports/shard-groups.js";
import type { QueuedEvent } from "../core/exports/tenant-groups.js";

export interface DecodedEventMessage {
  tenant: string;
  events: QueuedEvent[];
}

export function decodeEventMessage(body: unknown): DecodedEventMessage {
  const validated = parseEventMessage(body);
  // parseEventMessage accepted it, so it is text whose events are the validated ones, field for field.
  const plain = JSON.parse(body as string) as { events: QueuedEvent[] };
  // The ledger keys every event by its session and sequence number: an event without them could never be claimed.
  for (const event of plain.events) sessionEventOf(event);
  return { tenant: validated.tenant, events: plain.events };
}
