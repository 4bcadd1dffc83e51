/**
 * POST /admin/tenants/{tenant}/compact?day=YYYY-MM-DD: compacts one closed day of the tenant to Parquet now,
 * whatever the tenant's Parquet setting (the setting only decides what the hourly cron does). Writes at most one
 * Parquet file per request, so the request stays within one invocation's CPU; `complete: false` means call again
 * (`npm run compact` does). A day that is not closed yet is 409 day_not_closed; one whose export files the
 * listing does not have (a guard: days past MANIFEST_RETENTION_DAYS are listed from R2) is 409 day_files_unlisted,
 * its Parquet files kept.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { compactDay } from "../../compaction/compact-day.js";
import type { EdgeEnv } from "../edge-env.js";
import { dayParam, readQuery } from "../query-params.js";
import { addLogFields } from "../request-log.js";
import { tenantInPath } from "./destinations-route.js";

const compactQuerySchema = z.strictObject({ day: dayParam });

export async function postCompact(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const { day } = readQuery(new URL(c.req.url), compactQuerySchema, "the parameter is day");
  const result = await compactDay(c.env, tenant, day, { now: new Date(), maxParts: 1 });
  addLogFields(c, { tenant, day, files: result.written });
  return c.json(result, 200, { "cache-control": "no-store" });
}
