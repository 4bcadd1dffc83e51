/**
 * What an app passes to `track`: an Audiogum event without the fields the client fills in. The complete event
 * types are generated from the server's zod schemas (audiogum-events.generated.ts), so a field the server would
 * reject for its type, or a misspelt field name, is a type error here.
 * @module
 */
import type { AudiogumEvent } from "./audiogum-events.generated.js";

export type {
  AppStartEvent,
  Artist,
  AudiogumEvent,
  AuthEvent,
  CommonFields,
  Item,
  Locale,
  NavigationEvent,
  OutputDevice,
  Playable,
  PlayEvent,
  ProfileEvent,
  SourceData,
  VoiceEvent,
} from "./audiogum-events.generated.js";

export { EVENT_TYPES } from "./audiogum-events.generated.js";

export type EventType = AudiogumEvent["type"];

export type Connection = AudiogumEvent["connection"];

/** Stamped by the client on every event: the session, its sequence number and (unless given) the local time. */
export type StampedField = "sessionid" | "sequencenumber" | "localtime";

/** Describe the device; given once to `createClient` (`device`, `connection`, `countrycode`). */
export type DeviceField =
  | "client"
  | "clientversion"
  | "platform"
  | "platformversion"
  | "devicename"
  | "devicemanufacturer"
  | "connection"
  | "countrycode";

/** The device fields every event carries, as `createClient` takes them. */
export type DeviceInfo = Pick<
  AudiogumEvent,
  "client" | "clientversion" | "platform" | "platformversion" | "devicename" | "devicemanufacturer"
>;

type TrackInput<T> = T extends AudiogumEvent
  ? Omit<T, StampedField | DeviceField> & Partial<Pick<T, DeviceField>> & { localtime?: string }
  : never;

/**
 * An event as `track` takes it: its type and type-specific fields, optionally `initiator`, `timing`, a
 * `connection` or `countrycode` other than the client's, and a `localtime` when the event happened earlier.
 */
export type TrackEvent = TrackInput<AudiogumEvent>;
