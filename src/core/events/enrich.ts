/**
 * Adds the server-derived fields to a validated event: its deterministic id, when it was received and when it
 * happened (event-time.ts), who sent it (from the token), where from (from the edge) and, for tenants that want
 * it, the device's user agent (user-agent.ts). The queue gets these as text (export-line.ts); the objects built
 * here are for whatever needs the event as a value (the live view).
 * @module
 */
import { eventIdFor } from "./event-id.js";
import { eventTimeOf, type EventTime, type RequestClock } from "./event-time.js";
import type { ClientEvent } from "./schemas/events.js";
import type { ExportedEvent, Geo } from "./schemas/envelope.js";
import type { UserAgentFields } from "./user-agent.js";

export interface EnrichmentContext {
  tenant: string;
  userid: string;
  deviceid: string | undefined;
  /** When the request arrived and how far off the device's clock was: the same for every event of one request. */
  clock: RequestClock;
  geo: Geo | undefined;
  /** The client's address, only for tenants with IP capture on. */
  ip: string | undefined;
  /** Only for tenants with user agents on, and only when the request sent one. */
  userAgent: UserAgentFields | undefined;
}

/** The server fields that differ from event to event of one request; the rest are the request's. */
export interface EventStamp extends EventTime {
  eventid: string;
}

export function stampEvent(event: ClientEvent, context: EnrichmentContext): EventStamp {
  const eventid = eventIdFor({
    tenant: context.tenant,
    userid: context.userid,
    deviceid: context.deviceid,
    sessionid: event.sessionid,
    sequencenumber: event.sequencenumber,
  });
  const { eventtime, eventtimesource } = eventTimeOf(event.localtime, context.clock);
  return { eventid, eventtime, eventtimesource };
}

export function enrichEvent(
  event: ClientEvent,
  context: EnrichmentContext,
  stamp: EventStamp = stampEvent(event, context),
): ExportedEvent {
  // Server fields first so a line of an export file reads who/when before what (export-line.ts writes the text in
  // the same order). One literal builds the event in a single shape (several times faster than adding fields one
  // by one); a field left undefined (no deviceid, no sentat, geo off, no IP capture, user agents off) is dropped
  // when the event is serialised.
  const enriched = {
    eventid: stamp.eventid,
    receivedat: context.clock.receivedat,
    eventtime: stamp.eventtime,
    eventtimesource: stamp.eventtimesource,
    clockskewms: context.clock.clockskewms,
    tenant: context.tenant,
    userid: context.userid,
    deviceid: context.deviceid,
    ...event,
    geo: context.geo,
    ip: context.ip,
    useragent: context.userAgent?.useragent,
    useragentparsed: context.userAgent?.useragentparsed,
  };
  return enriched as ExportedEvent;
}
