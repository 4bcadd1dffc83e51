/**
 * POST /admin/redrive: operators send dead letters back through the pipeline, one page per request.
 * Query: limit (1-1000, default 100), after (the `next` of the previous page), before (ISO instant: only dead
 * letters stored before it, so a run does not pick up messages that die again while it runs).
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { CollectorError } from "../../core/foundation/errors.js";
import { redriveDeadLetters } from "../../consumer/redrive-dead-letters.js";
import type { EdgeEnv } from "../edge-env.js";
import { pageLimitParam, readQuery } from "../query-params.js";
import { addLogFields } from "../request-log.js";

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

const limitQuerySchema = z.object({ limit: pageLimitParam(MAX_PAGE).default(DEFAULT_PAGE) });

export async function postRedrive(c: Context<EdgeEnv>): Promise<Response> {
  const { limit } = readQuery(new URL(c.req.url), limitQuerySchema);
  const result = await redriveDeadLetters(c.env.EXPORTS, c.env.EVENTS, {
    limit,
    startAfter: c.req.query("after") || undefined,
    uploadedBefore: instant(c.req.query("before")),
  });
  addLogFields(c, { redriven: result.redriven });
  return c.json(result);
}

function instant(raw: string | undefined): Date | undefined {
  if (raw === undefined || raw === "") return undefined;
  const value = new Date(raw);
  if (Number.isNaN(value.getTime())) throw new CollectorError("invalid_query", "before must be an ISO-8601 date-time.");
  return value;
}
