/**
 * The columns of the Parquet export (docs/exports.md, GET /v1/schema/parquet): one per documented field of the
 * six event types and per server field, typed as the events document types them, as data. The row mapping
 * (event-row.ts), the Parquet schema handed to the writer and the published schema all come from this one list,
 * so they cannot disagree.
 *
 * Shapes: strings are UTF8 (`enum` ones dictionary-encoded), Longs INT64, coordinates DOUBLE, the collector's
 * instants TIMESTAMP(MILLIS, UTC); the documented objects (`item`, `artist`, `playable`, `sourcedata`,
 * `outputdevice`, `locale`) are structs and arrays are lists; `geo` is flattened to `geo_*` columns, as
 * warehouses filter on it most. `localtime` stays the device's text: its offset and its sub-millisecond digits
 * are part of what the device said. Every column is OPTIONAL: an event type without the field has a null.
 * @module
 */

export type LeafKind = "string" | "enum" | "int64" | "double" | "timestamp" | "json";

export type FieldShape =
  | { kind: LeafKind }
  | { kind: "struct"; fields: Readonly<Record<string, FieldShape>> }
  | { kind: "list"; element: FieldShape };

export interface ParquetColumn {
  /** The column's name in the file. */
  name: string;
  /** Where its value is in an exported event: a field, or a field of `geo` for the flattened columns. */
  path: readonly [string] | readonly ["geo", string];
  shape: FieldShape;
  description: string;
}

const string = { kind: "string" } as const;
const enumString = { kind: "enum" } as const;
const int64 = { kind: "int64" } as const;
const double = { kind: "double" } as const;
const timestamp = { kind: "timestamp" } as const;
const json = { kind: "json" } as const;

const artist = { kind: "struct", fields: { id: string, name: string, service: string, ref: string } } as const;

const OBJECT_SHAPES = {
  item: {
    kind: "struct",
    fields: {
      type: string,
      name: string,
      artistdisplayname: string,
      albumname: string,
      duration: int64,
      service: string,
      ref: string,
      id: string,
      artists: { kind: "list", element: artist },
      streamurl: string,
    },
  },
  artist,
  playable: {
    kind: "struct",
    fields: { id: string, userid: string, name: string, startindex: int64, parameters: json },
  },
  sourcedata: { kind: "struct", fields: { name: string, service: string, ref: string } },
  outputdevice: {
    kind: "struct",
    fields: {
      connection: enumString,
      deviceid: string,
      devicename: string,
      devicetype: string,
      devicemanufacturer: string,
      devicefirmware: string,
    },
  },
  locale: { kind: "struct", fields: { country: string, language: string } },
} as const satisfies Record<string, FieldShape>;

const GEO_FIELDS: Array<[string, FieldShape, string]> = [
  ["country", enumString, "ISO 3166-1 alpha-2 country where Cloudflare's edge placed the request"],
  ["region", string, "region name"],
  ["regioncode", string, "region code"],
  ["city", string, "city"],
  ["postcode", string, "postal code"],
  ["latitude", double, "latitude"],
  ["longitude", double, "longitude"],
  ["timezone", string, "IANA time zone"],
  ["continent", enumString, "continent code"],
  ["colo", enumString, "the Cloudflare data centre"],
];

function field(name: string, shape: FieldShape, description: string): ParquetColumn {
  return { name, path: [name], shape, description };
}

/** Every column, in file order: the collector's fields, the common fields, then each type's. */
export const PARQUET_COLUMNS: readonly ParquetColumn[] = [
  field("eventid", string, "unique id of the event (UUID v5); always set"),
  field("receivedat", timestamp, "when the collector received the event; always set"),
  field("eventtime", timestamp, "when the event happened, by the collector's estimate (events exported with it)"),
  field("eventtimesource", enumString, "what eventtime was taken from (events exported with it)"),
  field("clockskewms", int64, "device clock minus collector clock, milliseconds (events exported with it)"),
  field("tenant", enumString, "the tenant; always set"),
  field("userid", string, "the token's sub, the Audiogum user id; always set"),
  field("deviceid", string, "the token's deviceid"),
  ...GEO_FIELDS.map(
    ([name, shape, description]): ParquetColumn => ({ name: `geo_${name}`, path: ["geo", name], shape, description }),
  ),
  field("ip", string, "client IP address (tenants with IP capture only)"),
  field("useragent", string, "the request's User-Agent (tenants with user agents on)"),
  field(
    "useragentparsed",
    { kind: "struct", fields: { os: enumString, osversion: enumString, device: enumString, client: enumString } },
    "what the User-Agent says of the device (tenants with user agents on)",
  ),
  field("type", enumString, "the event type; always set"),
  field("sessionid", string, "GUID without hyphens"),
  field("sequencenumber", int64, "order of the event in its session"),
  field("localtime", string, "device time as the device wrote it, ISO-8601 with its UTC offset"),
  field("client", enumString, "app or firmware"),
  field("clientversion", enumString, "its version"),
  field("platform", enumString, "OS"),
  field("platformversion", enumString, "OS version"),
  field("devicename", enumString, "device or phone"),
  field("devicemanufacturer", enumString, "its manufacturer"),
  field("connection", enumString, "none, wan or cellular"),
  field("countrycode", enumString, "country code the device reports"),
  field("initiator", enumString, "user or client"),
  field("timing", int64, "milliseconds the action took"),
  field("action", enumString, "authevent, playevent, profileevent, voiceevent"),
  field("source", enumString, "playevent, profileevent: the audio source"),
  field("service", string, "authevent: 3rd party service"),
  field("provider", string, "authevent: federation provider"),
  field("sourcepage", string, "navigationevent, voiceevent"),
  field("sourcesubpage", string, "navigationevent"),
  field("sourcecontrol", string, "navigationevent"),
  field("sourcetag", string, "navigationevent"),
  field("sourceindex", int64, "navigationevent"),
  field("targetpage", string, "navigationevent"),
  field("targetsubpage", string, "navigationevent"),
  field("referreruri", string, "navigationevent"),
  field("target", enumString, "profileevent: song, playlist, album, artist or internetradio"),
  field("offset", int64, "playevent, profileevent: seconds into the item"),
  field("presetnumber", int64, "playevent, profileevent"),
  field("item", OBJECT_SHAPES.item, "playevent, profileevent: the item played"),
  field("playable", OBJECT_SHAPES.playable, "playevent, profileevent: parameters as JSON text"),
  field("sourcedata", OBJECT_SHAPES.sourcedata, "playevent, profileevent"),
  field("outputdevice", OBJECT_SHAPES.outputdevice, "playevent, profileevent"),
  field("artist", OBJECT_SHAPES.artist, "profileevent"),
  field("locale", OBJECT_SHAPES.locale, "appstartevent"),
  field("preferredlanguages", { kind: "list", element: string }, "appstartevent"),
  field("stoppedby", enumString, "voiceevent: client, server or user"),
  field("ref", string, "voiceevent: ref of the voice interaction"),
];

/** The column holding, as JSON, every field (at any depth) that no column above holds. */
export const EXTRA_COLUMN = "extra";

/** The declared shape of an exported event as one struct (geo as a struct, flattened only into columns). */
export const EVENT_SHAPE: { kind: "struct"; fields: Record<string, FieldShape> } = {
  kind: "struct",
  fields: Object.fromEntries(
    PARQUET_COLUMNS.filter((column) => column.path.length === 1).map((column) => [column.name, column.shape]),
  ),
};
EVENT_SHAPE.fields.geo = {
  kind: "struct",
  fields: Object.fromEntries(GEO_FIELDS.map(([name, shape]) => [name, shape])),
};
