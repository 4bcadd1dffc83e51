/**
 * The server-derived fields of an event and the shape of an exported event (one line of an export file).
 * @module
 */
import { z } from "zod";
import { clientEventSchema } from "./events.js";

/** Fields only the collector sets; whatever a device sends under these names is dropped. */
export const SERVER_FIELDS = ["eventid", "userid", "deviceid", "receivedat", "geo", "tenant", "ip"] as const;

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

export const serverFieldsSchema = z.object({
  eventid: z.uuid(),
  receivedat: z.iso.datetime({ precision: 3 }),
  tenant: z.string(),
  userid: z.string(),
  deviceid: z.string().optional(),
  geo: geoSchema.optional(),
  /** Only for tenants with IP capture on. */
  ip: z.string().optional(),
});
export type ServerFields = z.infer<typeof serverFieldsSchema>;

/** One line of an export file: the event as the device sent it, with the server fields added. */
export const exportedEventSchema = z.intersection(clientEventSchema, serverFieldsSchema);
export type ExportedEvent = z.infer<typeof exportedEventSchema>;
