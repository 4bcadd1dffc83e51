/**
 * Splits a consumer batch into one group per tenant (each group becomes one export file) and collapses events
 * that share an eventid, keeping the earliest received copy. Events come out in received order.
 * @module
 */
import type { EventMessage } from "../events/queue-message.js";
import type { RequestReport } from "../events/request-report.js";

export type QueuedEvent = EventMessage["events"][number];

export interface DecodedMessage<M> {
  message: M;
  tenant: string;
  events: readonly QueuedEvent[];
  /** The message's request report (src/core/events/request-report.ts), counted with its first event. */
  report?: RequestReport | undefined;
}

/** A request report and the event whose export counts it: the first event of the message it rode in. */
export interface AnchoredReport {
  anchor: string;
  report: RequestReport;
}

export interface TenantGroup<M> {
  tenant: string;
  messages: M[];
  /** Unique by eventid, ordered by receivedat (then by position in the batch). */
  events: QueuedEvent[];
  /** Copies of an eventid seen earlier in this batch, dropped before any storage is touched. */
  duplicatesInBatch: number;
  /** The reports of the group's messages, one per anchor event (a resent message's report counts once). */
  reports: AnchoredReport[];
}

export function groupByTenant<M>(decoded: readonly DecodedMessage<M>[]): TenantGroup<M>[] {
  const byTenant = new Map<string, { messages: M[]; events: QueuedEvent[]; reports: Map<string, RequestReport> }>();
  for (const entry of decoded) {
    let group = byTenant.get(entry.tenant);
    if (!group) {
      group = { messages: [], events: [], reports: new Map() };
      byTenant.set(entry.tenant, group);
    }
    group.messages.push(entry.message);
    group.events.push(...entry.events);
    const anchor = entry.events[0]?.eventid;
    if (entry.report && anchor !== undefined && !group.reports.has(anchor)) group.reports.set(anchor, entry.report);
  }
  return [...byTenant].map(([tenant, group]) => {
    const events = uniqueByEventId(inReceivedOrder(group.events));
    return {
      tenant,
      messages: group.messages,
      events,
      duplicatesInBatch: group.events.length - events.length,
      reports: [...group.reports].map(([anchor, report]) => ({ anchor, report })),
    };
  });
}

// receivedat is ISO-8601 UTC with milliseconds (the message schema requires it), so text order is time order;
// Array.prototype.sort is stable, so events received together keep their batch order.
function inReceivedOrder(events: readonly QueuedEvent[]): QueuedEvent[] {
  return [...events].sort((a, b) => (a.receivedat < b.receivedat ? -1 : a.receivedat > b.receivedat ? 1 : 0));
}

function uniqueByEventId(events: readonly QueuedEvent[]): QueuedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.eventid)) return false;
    seen.add(event.eventid);
    return true;
  });
}
