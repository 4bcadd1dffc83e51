/**
 * The six Audiogum event types, a discriminated union on `type`, exactly as the events document lists them.
 * @module
 */
import { z } from "zod";
import { quoteUntrusted } from "../../foundation/untrusted-text.js";
import {
  artistSchema,
  itemSchema,
  localeSchema,
  outputDeviceSchema,
  playableSchema,
  sourceDataSchema,
} from "./objects.js";
import {
  countryCode,
  expecting,
  guidWithoutHyphens,
  isoDateTimeWithOffset,
  long,
  looseObject,
  oneOf,
  optionalString,
  requiredString,
} from "./primitives.js";

export const EVENT_TYPES = [
  "appstartevent",
  "authevent",
  "navigationevent",
  "playevent",
  "profileevent",
  "voiceevent",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CONNECTIONS = ["none", "wan", "cellular"] as const;
export const INITIATORS = ["user", "client"] as const;
export const AUDIO_SOURCES = [
  "playable",
  "spotifyconnect",
  "airplay",
  "bluetooth",
  "dlna",
  "aux",
  "usb",
  "other",
] as const;
export const PLAY_ACTIONS = [
  "start",
  "mediabegin",
  "mediaerror",
  "begin",
  "stop",
  "resume",
  "continue",
  "seek",
  "complete",
  "skipnext",
  "skipprev",
] as const;
export const AUTH_ACTIONS = ["signin", "signout", "failure"] as const;
export const PROFILE_ACTIONS = ["like", "dislike", "unlike", "undislike"] as const;
export const PROFILE_TARGETS = ["song", "playlist", "album", "artist", "internetradio"] as const;
export const VOICE_ACTIONS = ["success", "failure"] as const;
export const VOICE_STOPPED_BY = ["client", "server", "user"] as const;

/** The fields every event carries (the document's common table). */
export const commonFields = {
  sessionid: guidWithoutHyphens,
  sequencenumber: long,
  localtime: isoDateTimeWithOffset,
  client: requiredString,
  clientversion: requiredString,
  platform: requiredString,
  platformversion: requiredString,
  devicename: requiredString,
  devicemanufacturer: requiredString,
  connection: oneOf(CONNECTIONS),
  countrycode: countryCode.optional(),
  initiator: oneOf(INITIATORS).optional(),
  timing: long.optional(),
};

export const appStartEventSchema = looseObject({
  type: z.literal("appstartevent"),
  ...commonFields,
  locale: localeSchema.optional(),
  preferredlanguages: z.array(z.string(expecting("a string")), expecting("an array of strings")).optional(),
});

export const authEventSchema = looseObject({
  type: z.literal("authevent"),
  ...commonFields,
  action: oneOf(AUTH_ACTIONS),
  service: optionalString,
  provider: optionalString,
});

export const navigationEventSchema = looseObject({
  type: z.literal("navigationevent"),
  ...commonFields,
  sourcepage: optionalString,
  sourcesubpage: optionalString,
  sourcecontrol: optionalString,
  sourcetag: optionalString,
  sourceindex: long.optional(),
  targetpage: optionalString,
  targetsubpage: optionalString,
  referreruri: optionalString,
});

function playEventSchemaWith(audioSource: AudioSourceSchema) {
  return looseObject({
    type: z.literal("playevent"),
    ...commonFields,
    source: audioSource,
    action: oneOf(PLAY_ACTIONS),
    offset: long.optional(),
    item: itemSchema.optional(),
    playable: playableSchema.optional(),
    sourcedata: sourceDataSchema.optional(),
    presetnumber: long.optional(),
    outputdevice: outputDeviceSchema.optional(),
  });
}

function profileEventSchemaWith(audioSource: AudioSourceSchema) {
  return looseObject({
    type: z.literal("profileevent"),
    ...commonFields,
    action: oneOf(PROFILE_ACTIONS),
    target: oneOf(PROFILE_TARGETS),
    source: audioSource.optional(),
    offset: long.optional(),
    item: itemSchema.optional(),
    playable: playableSchema.optional(),
    sourcedata: sourceDataSchema.optional(),
    presetnumber: long.optional(),
    artist: artistSchema.optional(),
    outputdevice: outputDeviceSchema.optional(),
  });
}

export const voiceEventSchema = looseObject({
  type: z.literal("voiceevent"),
  ...commonFields,
  action: oneOf(VOICE_ACTIONS),
  stoppedby: oneOf(VOICE_STOPPED_BY),
  ref: requiredString,
  sourcepage: optionalString,
});

function unknownTypeMessage(issue: { input?: unknown }): string {
  const known = `one of: ${EVENT_TYPES.join(", ")}`;
  if (typeof issue.input !== "object" || issue.input === null || Array.isArray(issue.input)) {
    return "must be an event object";
  }
  const type = (issue.input as { type?: unknown }).type;
  if (type === undefined) return `is required (${known})`;
  return `must be ${known}; got ${quoteUntrusted(type)}`;
}

type AudioSourceSchema = z.ZodEnum<Record<string, string>>;

function clientEventSchemaWith(audioSources: readonly [string, ...string[]]) {
  const audioSource = oneOf(audioSources) as unknown as AudioSourceSchema;
  return z.discriminatedUnion(
    "type",
    [
      appStartEventSchema,
      authEventSchema,
      navigationEventSchema,
      playEventSchemaWith(audioSource),
      profileEventSchemaWith(audioSource),
      voiceEventSchema,
    ],
    { error: unknownTypeMessage },
  );
}

/** The events of the document, with the document's audio sources. */
export const clientEventSchema = clientEventSchemaWith(AUDIO_SOURCES);

export type ClientEventSchema = typeof clientEventSchema;

const schemasBySources = new Map<string, ClientEventSchema>();

/**
 * The event schema for a tenant that may also send custom `source` values (the document adds them on request).
 * Built once per distinct set and kept, since building a schema costs far more than using it.
 */
export function clientEventSchemaFor(extraSources: readonly string[]): ClientEventSchema {
  if (extraSources.length === 0) return clientEventSchema;
  const cacheKey = [...extraSources].sort().join(" ");
  const cached = schemasBySources.get(cacheKey);
  if (cached) return cached;
  const schema = clientEventSchemaWith([...AUDIO_SOURCES, ...extraSources]) as unknown as ClientEventSchema;
  schemasBySources.set(cacheKey, schema);
  return schema;
}

/** An event as a device sends it, after validation. */
export type ClientEvent = z.infer<typeof clientEventSchema>;
