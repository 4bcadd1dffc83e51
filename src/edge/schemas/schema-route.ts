/**
 * GET /v1/schema/events, /export and /aggregates: JSON Schema (draft 2020-12) generated from the zod schemas the
 * collector validates and writes with, so the published contract cannot drift from the code. GET
 * /v1/schema/parquet: the Parquet files' columns, from the column list the writer uses. Public: a schema is no
 * secret.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { exportedEventSchema } from "../../core/events/schemas/envelope.js";
import { eventBatchSchema } from "../../core/events/schemas/request-body.js";
import { summarySchema } from "../../core/insights/insight-summary-schema.js";
import { PARQUET_CREATED_BY } from "../../core/parquet/parquet-events-writer.js";
import { publishedParquetColumns } from "../../core/parquet/parquet-schema.js";
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
  aggregates: {
    schema: summarySchema,
    io: "output",
    title: "Audiogum aggregates",
    description:
      "A daily ({tenant}/aggregates/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}.json) or monthly ({tenant}/aggregates/{yyyy}/{yyyy}-{mm}.json) aggregates file: the daily or monthly summary of the period.",
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
export const getAggregatesSchema = (c: Context<EdgeEnv>) => schemaResponse(c, "aggregates");

const PARQUET_SCHEMA = {
  title: "Audiogum Parquet export",
  description:
    "The columns of {tenant}/parquet/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{yyyy}-{mm}-{dd}_{nnn}.parquet, in file order. " +
    "Every column is OPTIONAL; `sql` is the type DuckDB reads it as. `extra` holds, as JSON shaped like the event, " +
    "every field no other column holds (fields the events document does not declare, at any depth), so the columns " +
    "and extra together are the whole exported event.",
  created_by: PARQUET_CREATED_BY,
  compression: "SNAPPY",
  columns: publishedParquetColumns(),
};

export const getParquetSchema = (c: Context<EdgeEnv>) =>
  c.json(PARQUET_SCHEMA, 200, { "cache-control": "public, max-age=300" });
