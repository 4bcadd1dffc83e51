/**
 * The body of POST /v1/events as one schema, for the published JSON Schema: the envelope around the events.
 * validate-batch.ts checks the same envelope by hand so that one bad event rejects only itself.
 * @module
 */
import { z } from "zod";
import { SUPPORTED_SCHEMA_VERSION } from "./envelope.js";
import { clientEventSchema } from "./events.js";

export const eventBatchSchema = z.object({
  schemaversion: z.literal(SUPPORTED_SCHEMA_VERSION),
  events: z.array(clientEventSchema).min(1),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;
