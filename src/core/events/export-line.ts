/**
 * The accepted events of one request as export lines, the JSON text the queue carries and the export files hold:
 * `{` + the server fields + the device's own text of the event (ValidEvent.json, written once, for the size
 * check) + geo, ip and the user agent + `}`. Nothing is serialised twice: the fields that are the same for the
 * whole request are written once per request, and per event only its id and time are added to text that exists.
 * The line holds the fields and values of enrichEvent's object (test/node/export-line.test.ts), in the same order
 * except that the device's fields stay in the order the device sent them.
 * @module
 */
import { enrichEvent, stampEvent, type EnrichmentContext, type EventStamp } from "./enrich.js";
import type { ExportedEvent } from "./schemas/envelope.js";
import type { ValidEvent } from "./validate-batch.js";

export interface ExportBatch {
  /** One export line per accepted event, in order. */
  lines: string[];
  /** The last `count` events as objects (the live view); built only when asked for. */
  lastEvents(count: number): ExportedEvent[];
}

export function exportBatch(valid: readonly ValidEvent[], context: EnrichmentContext): ExportBatch {
  const stamps = valid.map((entry) => stampEvent(entry.event, context));
  const line = lineWriter(context);
  return {
    lines: valid.map((entry, index) => line(stamps[index]!, entry.json)),
    lastEvents(count) {
      const from = Math.max(0, valid.length - count);
      return valid.slice(from).map((entry, index) => enrichEvent(entry.event, context, stamps[from + index]));
    },
  };
}

/**
 * Writes one event's line. The request's fields are serialised here once (JSON.stringify drops the undefined
 * ones, as it does for enrichEvent's object); an event id (hex and dashes), an ISO-8601 time and an event time
 * source (a fixed word) never need escaping, so they are written between quotes as they are.
 */
function lineWriter(context: EnrichmentContext): (stamp: EventStamp, eventJson: string) => string {
  const receivedat = `,"receivedat":"${context.clock.receivedat}"`;
  const sender = fieldsText({
    clockskewms: context.clock.clockskewms,
    tenant: context.tenant,
    userid: context.userid,
    deviceid: context.deviceid,
  });
  const origin = fieldsText({
    geo: context.geo,
    ip: context.ip,
    useragent: context.userAgent?.useragent,
    useragentparsed: context.userAgent?.useragentparsed,
  });
  return (stamp, eventJson) => {
    const own = eventJson.length > 2 ? `,${eventJson.slice(1, -1)}` : "";
    return `{"eventid":"${stamp.eventid}"${receivedat},"eventtime":"${stamp.eventtime}","eventtimesource":"${stamp.eventtimesource}"${sender}${own}${origin}}`;
  };
}

/** The fields as JSON text without the braces, each after a comma; "" when every one is undefined. */
function fieldsText(fields: Record<string, unknown>): string {
  const text = JSON.stringify(fields).slice(1, -1);
  return text === "" ? "" : `,${text}`;
}
