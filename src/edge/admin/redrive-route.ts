/**
 * POST /admin/redrive: operators send dead letters back through the pipeline, one page per request.
 * Query: limit (1-1000, default 100), after (the `next` of the previous page), before (ISO instant: only dead
 * letters stored before it, so a run does not pick up messages that die again while it runs).
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { redriveDeadLetters } from "../../consumer/redrive-dead-letters.js";
import type { EdgeEnv } from "../edge-env.js";
import { instantParam, pageLimitParam, readQuery } from "../query-params.js";
import { addLogFields } from "../request-log.js";

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

const redriveQuerySchema = z.object({
  limit: pageLimitParam(MAX_PAGE).default(DEFAULT_PAGE),
  after: z.string().optional(),
  before: instantParam.optional(),
});

export async function postRedrive(c: Context<EdgeEnv>): Promise<Response> {
  const { limit, after, before } = readQuery(new URL(c.req.url), redriveQuerySchema);
  const result = await redriveDeadLetters(c.env.EXPORTS, c.env.EVENTS, {
    limit,
    startAfter: after || undefined,
    uploadedBefore: before === undefined || before === "" ? undefined : new Date(before),
  });
  addLogFields(c, { redriven: result.redriven });
  return c.json(result);
}
