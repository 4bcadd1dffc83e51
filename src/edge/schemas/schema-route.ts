/**
 * GET /v1/schema/events and GET /v1/schema/export: JSON Schema (draft 2020-12) generated from the zod schemas the
 * collector validates with, so the published contract cannot drift from the code. Public: a schema is no secret.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { exportedEventSchema } from "../../core/events/schemas/envelope.js";
import { eventBatchSchema } from "../../core/events/schemas/request-body.js";
import type { EdgeEnv } from "../edge-env.js";

const PUBLISHED = {
  events: {
    schema: eventBatchSchema,
    io: "input",
    title: "Audiogum event batch",
    description: "The JSON body of POST /v1/events.",
  },
  export: {
    schema: exportedEventSchema,
    io: "output",
    title: "Audiogum exported event",
    description:
      "One line of an export file (gzipped JSON Lines): the event as sent, with the collector's fields added.",
  },
} as const;

type PublishedName = keyof typeof PUBLISHED;

// Generated once per isolate: the schemas are constants.
const generated = new Map<PublishedName, string>();

function jsonSchemaText(name: PublishedName): string {
  let text = generated.get(name);
  if (text === undefined) {
    const { schema, io, title, description } = PUBLISHED[name];
    const { $schema, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
    text = JSON.stringify({ $schema, title, description, ...rest });
    generated.set(name, text);
  }
  return text;
}

function schemaResponse(c: Context<EdgeEnv>, name: PublishedName): Response {
  return c.body(jsonSchemaText(name), 200, {
    "content-type": "application/schema+json; charset=utf-8",
    "cache-control": "public, max-age=300",
  });
}

export const getEventsSchema = (c: Context<EdgeEnv>) => schemaResponse(c, "events");
export const getExportSchema = (c: Context<EdgeEnv>) => schemaResponse(c, "export");
