/**
 * Adds the server-derived fields to a validated event: its deterministic id, when it was received and when it
 * happened (event-time.ts), who sent it (from the token), where from (from the edge) and, for tenants that want
 * it, the device's user agent (user-agent.ts).
 * @module
 */
import { eventIdFor } from "./event-id.js";
import { eventTimeOf, type RequestClock } from "./event-time.js";
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

export function enrichEvent(event: ClientEvent, context: EnrichmentContext): ExportedEvent {
  const eventid = eventIdFor({
    tenant: context.tenant,
    userid: context.userid,
    deviceid: context.deviceid,
    sessionid: event.sessionid,
    sequencenumber: event.sequencenumber,
  });
  const { eventtime, eventtimesource } = eventTimeOf(event.localtime, context.clock);
  // Server fields first so a line of an export file reads who/when before what. One literal builds the event in
  // a single shape (several times faster than adding fields one by one); a field left undefined (no deviceid,
  // no sentat, geo off, no IP capture, user agents off) is dropped when the event is serialised for the queue.
  const enriched = {
    eventid,
    receivedat: context.clock.receivedat,
    eventtime,
    eventtimesource,
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

export function enrichEvents(events: readonly ClientEvent[], context: EnrichmentContext): ExportedEvent[] {
  return events.map((event) => enrichEvent(event, context));
}
