/**
 * The sub-objects that play and profile events carry: item, artist, playable, sourcedata, outputdevice, locale.
 * Every object is loose: fields the document does not list are kept verbatim (the document requires it for
 * item and playable.parameters; for the rest, nothing a device sends is lost).
 * @module
 */
import { z } from "zod";
import {
  expecting,
  guidWithoutHyphens,
  long,
  looseObject,
  oneOf,
  optionalString,
  requiredString,
} from "./primitives.js";

export const artistSchema = looseObject({
  id: guidWithoutHyphens.optional(),
  name: requiredString,
  service: optionalString,
  ref: optionalString,
});

export const itemSchema = looseObject({
  type: optionalString,
  name: requiredString,
  artistdisplayname: optionalString,
  albumname: optionalString,
  duration: long.optional(),
  service: optionalString,
  ref: optionalString,
  id: guidWithoutHyphens.optional(),
  artists: z.array(artistSchema, expecting("an array of artists")).optional(),
  streamurl: optionalString,
});

export const playableSchema = looseObject({
  id: guidWithoutHyphens,
  userid: guidWithoutHyphens,
  name: optionalString,
  startindex: long.optional(),
  parameters: looseObject({}, "an object (the playable's parameters, verbatim)"),
});

export const sourceDataSchema = looseObject({
  name: optionalString,
  service: optionalString,
  ref: optionalString,
});

export const OUTPUT_CONNECTIONS = ["bluetooth", "lightning", "usb", "aux"] as const;

export const outputDeviceSchema = looseObject({
  connection: oneOf(OUTPUT_CONNECTIONS),
  deviceid: optionalString,
  devicename: optionalString,
  devicetype: optionalString,
  devicemanufacturer: optionalString,
  devicefirmware: optionalString,
});

export const localeSchema = looseObject({
  country: optionalString,
  language: optionalString,
});
