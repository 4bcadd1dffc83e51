/**
 * The usage counters only the edge can see (tenant-usage.ts): ingest requests, their bytes on the wire and
 * decoded, the events they had rejected or suppressed, and the 429s. The edge counts them per request and hands
 * them to the consumer in the request report (core/events/request-report.ts) of the queue message it sends
 * anyway; the consumer adds them to the tenant's day when it acks that message. This is their shape on the way, a small object of whole numbers, and how several requests'
 * usage adds up into one (the edge keeps the usage of requests that queue nothing until one does, or flushes it).
 * @module
 */
import { z } from "zod";
import type { UsageCounter } from "./tenant-usage.js";

export const EDGE_USAGE_COUNTERS = [
  "requests",
  "events_rejected",
  "events_suppressed",
  "wire_bytes",
  "decoded_bytes",
  "responses_429",
] as const satisfies readonly UsageCounter[];

const count = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const requestUsageSchema = z.object({
  requests: count,
  events_rejected: count,
  events_suppressed: count,
  wire_bytes: count,
  decoded_bytes: count,
  responses_429: count,
});

export type RequestUsage = z.infer<typeof requestUsageSchema>;

/** One request, nothing else counted yet. */
export function oneRequest(): RequestUsage {
  return { requests: 1, events_rejected: 0, events_suppressed: 0, wire_bytes: 0, decoded_bytes: 0, responses_429: 0 };
}

/** The usage of several requests as one. */
export function mergeRequestUsage(usages: readonly RequestUsage[]): RequestUsage {
  const merged = { ...oneRequest(), requests: 0 };
  for (const usage of usages) for (const counter of EDGE_USAGE_COUNTERS) merged[counter] += usage[counter];
  return merged;
}
