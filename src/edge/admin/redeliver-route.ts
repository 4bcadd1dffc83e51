/**
 * POST /admin/tenants/{tenant}/redeliver?from=DAY[&to=DAY][&after=KEY][&limit=N]: backfill. Every committed
 * file of the tenant in the day folders [from, to] goes again to every destination of the tenant, whatever its
 * delivery state; one page of at most `limit` files (default 200) per request, `next` to continue.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { resetForRedelivery } from "../../delivery/delivery-ledger.js";
import { enqueueDeliveries } from "../../delivery/delivery-message.js";
import type { EdgeEnv } from "../edge-env.js";
import { dayParam, pageLimitParam, readQuery, requireFromNotAfterTo } from "../query-params.js";
import { addLogFields } from "../request-log.js";
import { tenantInPath } from "./destinations-route.js";

const DEFAULT_FILES = 200;
const MAX_FILES = 1000;

const redeliverQuerySchema = z.object({
  from: dayParam,
  to: dayParam.default("9999-12-31"),
  after: z.string().default(""),
  limit: pageLimitParam(MAX_FILES).default(DEFAULT_FILES),
});

export async function postRedeliver(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const { from: fromDay, to: toDay, after: afterKey, limit } = readQuery(new URL(c.req.url), redeliverQuerySchema);
  requireFromNotAfterTo(fromDay, toDay);
  const page = await resetForRedelivery(c.env.DB, { tenant, fromDay, toDay, afterKey, limit }, Date.now());
  // Rows first, then messages: if sending fails the rows stay pending and the cron sends them.
  await enqueueDeliveries(c.env.DELIVERIES, page.tasks);
  addLogFields(c, { tenant, files: page.files, deliveries: page.tasks.length });
  return c.json({ files: page.files, deliveries: page.tasks.length, next: page.next });
}
