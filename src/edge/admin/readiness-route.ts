/**
 * GET /readyz: for operators (ADMIN_TOKEN), proves each binding answers — every events queue partition
 * (EVENT_QUEUES) takes a probe message, R2 lists, D1 runs a query — and names the one that does not. /healthz
 * stays cheap and touches none of them.
 * @module
 */
import type { Context } from "hono";
import { READINESS_PROBE } from "../../core/events/queue-message.js";
import type { EdgeEnv } from "../edge-env.js";
import { logError } from "../../core/foundation/log.js";
import { readConfig } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { eventQueues } from "../ingest/event-queues.js";
import { addLogFields, requestFields } from "../request-log.js";

type Check = "queue" | "r2" | "d1";

const CHECKS: Record<Check, (env: Env) => Promise<unknown>> = {
  queue: async (env) => {
    const queues = eventQueues(env, readConfig(env).eventQueues);
    await Promise.all(queues.map((queue) => queue.send(READINESS_PROBE, { contentType: "text" })));
  },
  r2: (env) => env.EXPORTS.list({ limit: 1 }),
  d1: (env) => env.DB.prepare("SELECT 1").first(),
};

export async function getReadiness(c: Context<EdgeEnv>): Promise<Response> {
  const names = Object.keys(CHECKS) as Check[];
  const outcomes = await Promise.allSettled(names.map((name) => CHECKS[name](c.env)));
  const checks: Record<Check, string> = { queue: "ok", r2: "ok", d1: "ok" };
  let ready = true;
  outcomes.forEach((outcome, index) => {
    const name = names[index]!;
    if (outcome.status === "fulfilled") return;
    ready = false;
    // A missing queue partition's cause names the binding to add.
    const reason = outcome.reason instanceof CollectorError ? outcome.reason.cause : outcome.reason;
    checks[name] = reason instanceof Error ? reason.message.slice(0, 200) : "failed";
    // Its 503 is answered here, not by the error handler: log each failing check's cause the way it would.
    logError("request_error", { ...requestFields(c), code: "not_ready", check: name }, reason);
  });
  addLogFields(c, { ready });
  return c.json({ status: ready ? "ready" : "not_ready", checks }, ready ? 200 : 503);
}
