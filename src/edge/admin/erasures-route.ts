/**
 * Operators' routes for privacy erasures (docs/privacy.md), ADMIN_TOKEN like every /admin route:
 *   POST   /admin/tenants/{tenant}/erasures                  {"userid", "suppress"?, "requestedby"?}: 202 pending
 *   GET    /admin/tenants/{tenant}/erasures                  the tenant's erasures, newest first (?limit=, ≤ 200)
 *   GET    /admin/tenants/{tenant}/erasures/{id}             one erasure's status and counts
 *   DELETE /admin/tenants/{tenant}/suppressions/{userid}     lifts the suppression of a user
 * The request row (and the suppression) is written first, then the first message of the background job; if that
 * send fails the request answers 503 and the row stays pending: POSTing again starts a new erasure.
 * @module
 */
import type { Context } from "hono";
import { z, ZodError } from "zod";
import { CollectorError } from "../../core/foundation/errors.js";
import { erasureRequestSchema, erasureStatus } from "../../core/privacy/erasure.js";
import { erasureMessageBody } from "../../core/privacy/erasure-message.js";
import { useridHash } from "../../core/privacy/userid-hash.js";
import { deleteSuppression, findErasure, insertErasure, listErasures } from "../../consumer/erasure-store.js";
import { forgetSuppressions } from "../ingest/suppressions-cache.js";
import type { EdgeEnv } from "../edge-env.js";
import { pageLimitParam, readQuery } from "../query-params.js";
import { addLogFields } from "../request-log.js";
import { tenantInPath } from "./destinations-route.js";

/** Who asked when the request does not say: the collector has one admin token. */
const DEFAULT_REQUESTED_BY = "admin-token";

export async function postErasure(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const request = await readErasureRequest(c);
  const id = crypto.randomUUID();
  const hash = await useridHash(request.userid);
  await insertErasure(c.env.DB, {
    id,
    tenant,
    userid: request.userid,
    useridHash: hash,
    suppress: request.suppress,
    requestedBy: request.requestedby ?? DEFAULT_REQUESTED_BY,
    now: Date.now(),
  });
  if (request.suppress) forgetSuppressions(tenant);
  try {
    await c.env.ERASURES.send(erasureMessageBody(id), { contentType: "text" });
  } catch (error) {
    throw new CollectorError("queue_unavailable", "The erasure could not be started; send the request again.", {
      cause: error,
    });
  }
  addLogFields(c, { tenant, erasure: id, suppress: request.suppress });
  return c.json({ id, status: "pending" }, 202);
}

const listQuerySchema = z.object({ limit: pageLimitParam(200).default(50) });

export async function getErasures(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const { limit } = readQuery(new URL(c.req.url), listQuerySchema);
  const rows = await listErasures(c.env.DB, tenant, limit);
  return c.json({ erasures: rows.map(erasureStatus) });
}

export async function getErasure(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const id = c.req.param("id") ?? "";
  const row = await findErasure(c.env.DB, id);
  if (!row || row.tenant !== tenant) {
    throw new CollectorError("unknown_erasure", `Tenant ${tenant} has no erasure ${JSON.stringify(id.slice(0, 40))}.`);
  }
  return c.json(erasureStatus(row));
}

export async function deleteSuppressionRoute(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = tenantInPath(c);
  const userid = c.req.param("userid") ?? "";
  if (!(await deleteSuppression(c.env.DB, tenant, await useridHash(userid)))) {
    throw new CollectorError("unknown_suppression", `Tenant ${tenant} does not suppress that user.`);
  }
  forgetSuppressions(tenant);
  return c.json({ lifted: true });
}

async function readErasureRequest(c: Context<EdgeEnv>) {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new CollectorError("invalid_json", 'The body must be a JSON object: {"userid": "...", "suppress": true}.');
  }
  try {
    return erasureRequestSchema.parse(body);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    // Issues name the field and the rule, never the value given (a userid is personal data).
    const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new CollectorError("invalid_erasure", "The erasure request is not valid; see issues.", {
      details: { issues },
    });
  }
}
