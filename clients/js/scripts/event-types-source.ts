/**
 * The event types of the client as zod infers them from the server's own schemas (type-only imports: nothing of
 * zod or the server is bundled). generate-event-types.ts prints these aliases as plain, self-contained types into
 * src/audiogum-events.generated.ts, so the published declarations need neither zod nor this repository.
 * @module
 */
import type { z } from "zod";
import type { clientEventSchema } from "../../../src/core/events/schemas/events.js";
import type {
  artistSchema,
  itemSchema,
  localeSchema,
  outputDeviceSchema,
  playableSchema,
  sourceDataSchema,
} from "../../../src/core/events/schemas/objects.js";

type EventOfType<T extends string> = Extract<z.input<typeof clientEventSchema>, { type: T }>;

export type AppStartEvent = EventOfType<"appstartevent">;
export type AuthEvent = EventOfType<"authevent">;
export type NavigationEvent = EventOfType<"navigationevent">;
export type PlayEvent = EventOfType<"playevent">;
export type ProfileEvent = EventOfType<"profileevent">;
export type VoiceEvent = EventOfType<"voiceevent">;

export type Item = z.input<typeof itemSchema>;
export type Artist = z.input<typeof artistSchema>;
export type Playable = z.input<typeof playableSchema>;
export type SourceData = z.input<typeof sourceDataSchema>;
export type OutputDevice = z.input<typeof outputDeviceSchema>;
export type Locale = z.input<typeof localeSchema>;
