/**
 * The body of POST /v1/events as one schema, for the published JSON Schema: the envelope around the events, and
 * the device's clock when it sent them.
 * validate-batch.ts checks the same envelope by hand so that one bad event rejects only itself.
 * @module
 */
import { z } from "zod";
import { SUPPORTED_SCHEMA_VERSION } from "./envelope.js";
import { clientEventSchema } from "./events.js";
import { isoDateTimeWithOffset } from "./primitives.js";

/** The device's clock when it sent the request, written like localtime: the collector corrects event times by it. */
export const sentAtSchema = isoDateTimeWithOffset.describe(
  "The device's clock when it sent this request (ISO-8601 with seconds and a UTC offset, like localtime). Read just before sending, and again for each retry. The collector takes receivedat - sentat as the device clock's error and removes it from every event's localtime (see eventtime in the export schema).",
);

export const eventBatchSchema = z.object({
  schemaversion: z.literal(SUPPORTED_SCHEMA_VERSION),
  sentat: sentAtSchema.optional(),
  events: z.array(clientEventSchema).min(1),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;
