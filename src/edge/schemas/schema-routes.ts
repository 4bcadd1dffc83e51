/**
 * The schema route group, mounted at /v1/schema: public, no authentication.
 * @module
 */
import { Hono } from "hono";
import type { EdgeEnv } from "../edge-env.js";
import { getAggregatesSchema, getEventsSchema, getExportSchema, getParquetSchema } from "./schema-route.js";

export const schemaRoutes = new Hono<EdgeEnv>()
  .get("/events", getEventsSchema)
  .get("/export", getExportSchema)
  .get("/parquet", getParquetSchema)
  .get("/aggregates", getAggregatesSchema);
