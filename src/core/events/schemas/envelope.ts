/**
 * The server-derived fields of an event and the shape of an exported event (one line of an export file).
 * @module
 */
import { z } from "zod";
import { EVENT_TIME_SOURCES } from "../event-time.js";
import { clientEventSchema } from "./events.js";

/** Fields only the collector sets; whatever a device sends under these names is dropped. */
export const SERVER_FIELDS = [
  "eventid",
  "userid",
  "deviceid",
  "receivedat",
  "eventtime",
  "eventtimesource",
  "clockskewms",
  "geo",
  "tenant",
  "ip",
  "useragent",
  "useragentparsed",
] as const;

export const SUPPORTED_SCHEMA_VERSION = "1.0";

export const geoSchema = z.object({
  country: z.string().optional(),
  region: z.string().optional(),
  regioncode: z.string().optional(),
  city: z.string().optional(),
  postcode: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  timezone: z.string().optional(),
  continent: z.string().optional(),
  colo: z.string().optional(),
});
export type Geo = z.infer<typeof geoSchema>;

/** What the collector reads from the User-Agent, best effort (Omny's OS, Device and UserAgent): each may be missing. */
export const parsedUserAgentSchema = z.object({
  os: z.string().optional().describe('The operating system, e.g. "Android", "iOS".'),
  osversion: z.string().optional().describe('Its version, e.g. "13", "17.4".'),
  device: z.string().optional().describe('Vendor and model, e.g. "Samsung SM-G991B", "Apple iPhone".'),
  client: z
    .string()
    .optional()
    .describe('The app or browser and its version, e.g. "Audiogum 2.3", "Chrome 124.0.0.0".'),
});
export type ParsedUserAgent = z.infer<typeof parsedUserAgentSchema>;

export const serverFieldsSchema = z.object({
  eventid: z.uuid(),
  receivedat: z.iso.datetime({ precision: 3 }),
  eventtime: z.iso
    .datetime({ precision: 3 })
    .describe(
      "When the event happened, UTC: localtime, plus (receivedat - sentat) when the request carried sentat; never later than receivedat; receivedat itself when eventtimesource is received.",
    ),
  eventtimesource: z
    .enum(EVENT_TIME_SOURCES)
    .describe(
      "corrected: localtime with the device clock's error (clockskewms) removed; device: localtime as sent; received: receivedat, because localtime was more than EVENT_TIME_WINDOW_DAYS (30) before it.",
    ),
  clockskewms: z
    .int()
    .optional()
    .describe(
      "receivedat - sentat in milliseconds, when the request carried sentat: how far the device clock was behind.",
    ),
  tenant: z.string(),
  userid: z.string(),
  deviceid: z.string().optional(),
  geo: geoSchema
    .optional()
    .describe("Where the edge placed the client; absent with geo off, only country and continent with --geo country."),
  ip: z
    .string()
    .optional()
    .describe(
      "The client's IP address, only for tenants with IP capture on; with --ip truncated its network only (IPv4 /24 as 203.0.113.0, IPv6 /48 as 2001:db8:1::).",
    ),
  useragent: z
    .string()
    .optional()
    .describe("The request's User-Agent, at most 512 bytes of UTF-8; only for tenants with user agents on."),
  useragentparsed: parsedUserAgentSchema
    .optional()
    .describe("What the User-Agent says of the device, best effort; only for tenants with user agents on."),
});
export type ServerFields = z.infer<typeof serverFieldsSchema>;

/** One line of an export file: the event as the device sent it, with the server fields added. */
export const exportedEventSchema = z.intersection(clientEventSchema, serverFieldsSchema);
export type ExportedEvent = z.infer<typeof exportedEventSchema>;
