/**
 * POST /v1/events: read the body, validate the envelope and each event, enrich the valid ones, queue them, and
 * answer with what was accepted and why anything was rejected.
 * @module
 */
import type { Context } from "hono";
import { readConfig } from "../../core/foundation/config.js";
import { printableAscii } from "../../core/foundation/untrusted-text.js";
import { exportBatch } from "../../core/events/export-line.js";
import { requestClock } from "../../core/events/event-time.js";
import { geoForSetting, type CfLocation } from "../../core/events/geo.js";
import { clientIpFor } from "../../core/privacy/client-ip.js";
import { userAgentFields } from "../../core/events/user-agent.js";
import { clientEventSchemaFor } from "../../core/events/schemas/events.js";
import { reportRejections, type RejectionReport } from "../../core/events/rejection-report.js";
import { validateEnvelope, validateEvents, type EventRejection } from "../../core/events/validate-batch.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";
import { enqueueEvents } from "./enqueue.js";
import { eventQueues, partitionsOfRequest } from "./event-queues.js";
import { publishLiveEvents } from "../live/live-publish.js";
import { enforceEventRateLimits } from "./rate-limit.js";
import { readJsonBody } from "./read-body.js";
import { isSuppressed } from "./suppressions-cache.js";
import { markUsageReported, requestUsageOf } from "./ingest-usage.js";
import { keepReport, reportToSend } from "./request-reports.js";
import { emptyReport } from "../../core/events/request-report.js";
import { rejectedEventsReport } from "../../core/quality/rejected-events-report.js";

export interface IngestResponse extends RejectionReport {
  accepted: number;
  /** Valid events dropped because the tenant suppresses the token's user (docs/privacy.md); only when some were. */
  suppressed?: number;
}

/**
 * Runs after the ingest group's middleware: the principal is authenticated, its tenant admitted and within its
 * request limits. Its events count against the event limits once the envelope is read, before any is validated.
 */
export async function postEvents(c: Context<EdgeEnv>): Promise<Response> {
  const config = readConfig(c.env);
  const principal = c.get("principal");
  const settings = c.get("tenantSettings");
  const usage = requestUsageOf(c);
  const body = await readJsonBody(c.req.raw, config.limits);
  usage.wire_bytes = body.wireBytes;
  usage.decoded_bytes = body.decodedBytes;
  addLogFields(c, { bytes_in: body.wireBytes, bytes_decoded: body.decodedBytes });
  const { events, sentat } = validateEnvelope(body.value, config.limits);
  await enforceEventRateLimits(c, events.length);
  const clock = requestClock(new Date(), sentat, config.eventTimeWindowDays);
  const { valid, rejected } = validateEvents(events, config.limits, clientEventSchemaFor(settings.extraSources));
  usage.events_rejected = rejected.length;
  addLogFields(c, {
    clockskewms: clock.clockskewms,
    accepted: 0,
    rejected: rejected.length,
    reject_reasons: rejectReasons(rejected),
  });
  // Only a request with rejections builds the quality counts: a valid one's report is its usage alone.
  const report = rejected.length > 0 ? rejectedEventsReport(events, rejected, clock.receivedat) : undefined;
  if (valid.length === 0) {
    keepReport(c, principal.tenant, { ...(report ?? emptyReport()), usage });
    markUsageReported(c);
    return c.json(
      {
        accepted: 0,
        ...reportRejections(rejected),
        error: { code: "no_valid_events", message: "No event in the batch is valid; see rejected for each reason." },
      },
      400,
    );
  }
  if (await isSuppressed(c.env, principal.tenant, principal.userid)) {
    addLogFields(c, { suppressed: valid.length });
    usage.events_suppressed = valid.length;
    keepReport(c, principal.tenant, { ...(report ?? emptyReport()), usage });
    markUsageReported(c);
    const response: IngestResponse = { accepted: 0, ...reportRejections(rejected), suppressed: valid.length };
    return c.json(response, 202);
  }
  const exported = exportBatch(valid, {
    tenant: principal.tenant,
    userid: principal.userid,
    deviceid: principal.deviceid,
    clock,
    geo: geoForSetting(c.req.raw.cf as CfLocation | undefined, settings.geo),
    ip: clientIpFor(c.req.header("cf-connecting-ip"), settings.ip),
    userAgent: settings.userAgent ? userAgentFields(c.req.header("user-agent")) : undefined,
  });
  // Every partition's queue is found before anything is sent: a missing one fails the request as a whole.
  const queues = eventQueues(c.env, config.eventQueues);
  const partitions = partitionsOfRequest(config, principal, valid, Date.now());
  // Every queued request reports at least its usage; the rejections' counts and samples only when it has some.
  const queued = await enqueueEvents(
    queues,
    principal.tenant,
    exported.lines,
    partitions,
    reportToSend(principal.tenant, { ...(report ?? emptyReport()), usage }),
    () => markUsageReported(c),
  );
  markUsageReported(c);
  publishLiveEvents(c, principal.tenant, exported.lastEvents);
  addLogFields(c, {
    accepted: valid.length,
    queue_messages: queued.messages,
    // Only with several partitions: how many of them this request's events went to.
    queue_partitions: partitions === undefined ? undefined : queued.partitions,
  });
  const response: IngestResponse = { accepted: valid.length, ...reportRejections(rejected) };
  return c.json(response, 202);
}

/**
 * The distinct reasons events were rejected, for the request log line: "path: message", at most five. A path may
 * hold a device's own field names, so each reason is logged bounded and in printable ASCII.
 */
function rejectReasons(rejected: readonly EventRejection[]): string | undefined {
  if (rejected.length === 0) return undefined;
  const reasons = new Set<string>();
  for (const rejection of rejected) {
    for (const error of rejection.errors) {
      reasons.add(printableAscii(`${error.path || "event"}: ${error.message}`, 200));
      if (reasons.size === 5) return [...reasons].join("; ");
    }
  }
  return [...reasons].join("; ");
}
