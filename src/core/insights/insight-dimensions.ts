/**
 * What each event counts towards in the insights rollups: the dimensions, the value of each for an event, and
 * who it counts as a distinct user and device. Read from the queued event with zod, field by field, so one odd
 * field only drops that dimension, never the event's other counts.
 *
 * Country: geo.country (Cloudflare's observation at the edge, for tenants with geo on) first, else the device's
 * own countrycode uppercased to the same ISO 3166 form, else "unknown": every event counts once in each of type,
 * country, platform and device_model, so each of those dimensions adds up to the total.
 * @module
 */
import { z } from "zod";
import { cutToLength } from "../foundation/cut-text.js";

export const COUNT_DIMENSIONS = ["type", "play_action", "play_source", "country", "platform", "device_model"] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

/**
 * Counted in the same rows but not part of the summaries: each event's `client` and `clientversion`, the data
 * quality counts' accepted side (src/core/quality/quality-dimensions.ts). The summaries skip dimensions they do
 * not list.
 */
export const CLIENT_DIMENSIONS = ["client", "clientversion"] as const;
export type RolledUpDimension = CountDimension | (typeof CLIENT_DIMENSIONS)[number];

export const DISTINCT_KINDS = ["users", "devices"] as const;
export type DistinctKind = (typeof DISTINCT_KINDS)[number];

export const UNKNOWN_VALUE = "unknown";
/**
 * Longer values are cut (in UTF-16 units, at a whole code point: an emoji is kept or left out, never halved): a
 * dimension value is a label for a chart, and rows stay small.
 */
export const MAX_VALUE_LENGTH = 64;

const optionalText = z.string().min(1).optional().catch(undefined);

const insightFieldsSchema = z.object({
  type: z.string().min(1).catch(UNKNOWN_VALUE),
  receivedat: z.string(),
  eventtime: z.string().optional().catch(undefined),
  userid: optionalText,
  deviceid: optionalText,
  action: optionalText,
  source: optionalText,
  countrycode: optionalText,
  platform: optionalText,
  devicemanufacturer: optionalText,
  devicename: optionalText,
  client: optionalText,
  clientversion: optionalText,
  geo: z.object({ country: optionalText }).optional().catch(undefined),
});

export interface InsightFacts {
  receivedat: string;
  /** When the event happened (UTC ISO-8601); its receivedat when it was queued before eventtime existed. */
  eventtime: string;
  values: Array<[RolledUpDimension, string]>;
  distinct: Array<[DistinctKind, string]>;
}

/**
 * The rollup facts of one queued event (its receivedat and eventtime are ISO-8601 UTC: the queue message schema
 * ensures it).
 */
export function insightFactsOf(event: unknown): InsightFacts {
  const fields = insightFieldsSchema.parse(event);
  const values: Array<[RolledUpDimension, string]> = [["type", fields.type]];
  if (fields.type === "playevent") {
    values.push(["play_action", fields.action ?? UNKNOWN_VALUE], ["play_source", fields.source ?? UNKNOWN_VALUE]);
  }
  values.push(
    ["country", fields.geo?.country?.toUpperCase() ?? fields.countrycode?.toUpperCase() ?? UNKNOWN_VALUE],
    ["platform", fields.platform ?? UNKNOWN_VALUE],
    ["device_model", deviceModel(fields.devicemanufacturer, fields.devicename)],
    ["client", fields.client ?? UNKNOWN_VALUE],
    ["clientversion", fields.clientversion ?? UNKNOWN_VALUE],
  );
  const distinct: Array<[DistinctKind, string]> = [];
  if (fields.userid) distinct.push(["users", fields.userid]);
  if (fields.deviceid) distinct.push(["devices", fields.deviceid]);
  return {
    receivedat: fields.receivedat,
    eventtime: fields.eventtime ?? fields.receivedat,
    values: values.map(([dimension, value]) => [dimension, cutToLength(value, MAX_VALUE_LENGTH)]),
    distinct,
  };
}

/** "motorola XT1021": the manufacturer and the device name together name a model. */
function deviceModel(manufacturer: string | undefined, name: string | undefined): string {
  const parts = [manufacturer, name].filter((part) => part !== undefined);
  return parts.length === 0 ? UNKNOWN_VALUE : parts.join(" ");
}
