/**
 * The edge's side of the request report channel (src/core/events/request-report.ts): what a request reports
 * goes to the consumer on the queue message that carries its events. A request that queues nothing (every
 * event rejected, or its user suppressed) leaves its report with this isolate, per tenant: the tenant's next
 * request that queues events takes it along, and otherwise the request that left the first of it sends it alone
 * after REQUEST_REPORT_FLUSH_MS (in waitUntil), so a fleet sending nothing valid costs at most one extra queue
 * message per tenant, isolate and flush interval, never one per request. A report never fails a request: one that
 * cannot be sent is logged and dropped, and the events it rode with are queued as before. A report sent alone
 * goes on EVENTS (partition 0) whatever EVENT_QUEUES is: the consumer counts it by its id in a ledger shard of its
 * own choosing, whichever queue carried it.
 * @module
 */
import type { Context } from "hono";
import { readConfig } from "../../core/foundation/config.js";
import { describeCause, logWarn } from "../../core/foundation/log.js";
import { isEmptyReport, mergeReports, type RequestReport } from "../../core/events/request-report.js";
import { packEventMessages } from "../../core/events/queue-message.js";
import type { EdgeEnv } from "../edge-env.js";

/** Bounds the isolate's memory however many tenants it serves; past it a report is sent at once. */
const MAX_PENDING_TENANTS = 1_000;

const pending = new Map<string, RequestReport>();

/**
 * The report to send with the events a request queues: its own and whatever this isolate kept for the tenant.
 * Undefined when there is nothing to report (a valid request of a tenant with nothing kept: the common case).
 */
export function reportToSend(tenant: string, own: RequestReport | undefined): RequestReport | undefined {
  const kept = pending.get(tenant);
  if (kept) pending.delete(tenant);
  if (!kept) return own && !isEmptyReport(own) ? own : undefined;
  return own ? mergeReports([kept, own]) : kept;
}

/** Keeps the report of a request that queues nothing, for the tenant's next send or the flush. */
export function keepReport(c: Context<EdgeEnv>, tenant: string, report: RequestReport): void {
  if (isEmptyReport(report)) return;
  const kept = pending.get(tenant);
  if (kept) {
    pending.set(tenant, mergeReports([kept, report]));
    return;
  }
  const delay = readConfig(c.env).quality.reportFlushMs;
  const queue = c.env.EVENTS;
  if (pending.size >= MAX_PENDING_TENANTS) {
    waitUntil(c, sendAlone(queue, tenant, report));
    return;
  }
  pending.set(tenant, report);
  waitUntil(c, flushAfter(queue, tenant, delay));
}

/** Forgets every kept report (tests start each case from scratch). */
export function forgetPendingReports(): void {
  pending.clear();
}

async function flushAfter(queue: Queue, tenant: string, delayMs: number): Promise<void> {
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  const report = pending.get(tenant);
  if (!report) return;
  pending.delete(tenant);
  await sendAlone(queue, tenant, report);
}

async function sendAlone(queue: Queue, tenant: string, report: RequestReport): Promise<void> {
  try {
    const [body] = packEventMessages(tenant, [], report);
    await queue.send(body, { contentType: "text" });
  } catch (error) {
    logWarn("request_report_error", { tenant, counts: report.counts.length, ...describeCause(error) });
  }
}

function waitUntil(c: Context<EdgeEnv>, work: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (the app called without one): the work still runs, unawaited.
  }
}
