/**
 * POST /admin/tenants/{tenant}/redeliver?from=DAY[&to=DAY][&after=KEY][&limit=N]: backfill. Every committed
 * file of the tenant in the day folders [from, to] goes again to every destination of the tenant, whatever its
 * delivery state; one page of at most `limit` files (default 200) per request, `next` to continue.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import { isCalendarDay } from "../../core/exports/export-day.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { resetForRedelivery } from "../../delivery/delivery-ledger.js";
import { enqueueDeliveries } from "../../delivery/delivery-message.js";
import type { EdgeEnv } from "../edge-env.js";
import { pageLimitParam, readQuery } from "../query-params.js";
import { addLogFields } from "../request-log.js";
import { tenantInPath } from "./destinations-route.js";

const DEFAULT_FILES = 200;
const MAX_FILES = 1000;

const limitQuerySchema = z.object({ limit: pageLimitParam(MAX_FILES).default(DEFAULT_FILES) });

export async function postRedeliver(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const fromDay = day(c.req.query("from"), "from");
  const toDay = c.req.query("to") ? day(c.req.query("to"), "to") : "9999-12-31";
  if (toDay < fromDay) throw new CollectorError("invalid_query", "to must not be before from.");
  const { limit } = readQuery(new URL(c.req.url), limitQuerySchema);
  const page = await resetForRedelivery(
    c.env.DB,
    { tenant, fromDay, toDay, afterKey: c.req.query("after") ?? "", limit },
    Date.now(),
  );
  // Rows first, then messages: if sending fails the rows stay pending and the cron sends them.
  await enqueueDeliveries(c.env.DELIVERIES, page.tasks);
  addLogFields(c, { tenant, files: page.files, deliveries: page.tasks.length });
  return c.json({ files: page.files, deliveries: page.tasks.length, next: page.next });
}

function day(raw: string | undefined, name: string): string {
  if (!raw || !isCalendarDay(raw))
    throw new CollectorError("invalid_query", `${name} must be a day written YYYY-MM-DD.`);
  return raw;
}
