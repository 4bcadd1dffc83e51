// Adds the server-derived fields to a validated event: its deterministic id, the receive time, who sent it
// (from the token) and where from (from the edge).
import { eventIdFor } from "./event-id.js";
import type { ClientEvent } from "./schemas/events.js";
import type { ExportedEvent, Geo } from "./schemas/envelope.js";

export interface EnrichmentContext {
  tenant: string;
  userid: string;
  deviceid: string | undefined;
  /** UTC ISO-8601 with milliseconds, the same for every event of one request. */
  receivedat: string;
  geo: Geo | undefined;
  /** The client's address, only for tenants with IP capture on. */
  ip: string | undefined;
}

export async function enrichEvent(event: ClientEvent, context: EnrichmentContext): Promise<ExportedEvent> {
  const eventid = await eventIdFor({
    tenant: context.tenant,
    userid: context.userid,
    deviceid: context.deviceid,
    sessionid: event.sessionid,
    sequencenumber: event.sequencenumber,
  });
  // Server fields first so a line of an export file reads who/when before what.
  const enriched: Record<string, unknown> = {
    eventid,
    receivedat: context.receivedat,
    tenant: context.tenant,
    userid: context.userid,
  };
  if (context.deviceid !== undefined) enriched.deviceid = context.deviceid;
  Object.assign(enriched, event);
  if (context.geo !== undefined) enriched.geo = context.geo;
  if (context.ip !== undefined) enriched.ip = context.ip;
  return enriched as ExportedEvent;
}

export function enrichEvents(events: readonly ClientEvent[], context: EnrichmentContext): Promise<ExportedEvent[]> {
  return Promise.all(events.map((event) => enrichEvent(event, context)));
}
