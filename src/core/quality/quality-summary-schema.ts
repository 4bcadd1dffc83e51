/**
 * The answer of GET /v1/quality/{realtime,daily,monthly}: per period, the events exported (`accepted`) and
 * rejected, and both by the keys they share (type, client, clientversion), the rejected also by error code and
 * field path. The edge builds it (quality-summary.ts); the dashboard and the tests read it with this schema.
 * @module
 */
import { z } from "zod";

const count = z.int().nonnegative();
const sides = z.object({ accepted: count, rejected: count });
const bySides = z.record(z.string(), sides);
const byCount = z.record(z.string(), count);

export const qualityCountsSchema = z.object({
  /** Events exported (each once, duplicates dropped: the summaries' events). */
  accepted: count,
  /** Events rejected at the edge, however often a device resent them. */
  rejected: count,
  by: z.object({
    type: bySides,
    client: bySides,
    clientversion: bySides,
    /** Rejected events by error code: an event counts once for each distinct code it has. */
    code: byCount,
    /** Rejected events by field path (positions as `*`, the whole event as `(event)`): once per distinct path. */
    path: byCount,
  }),
});
export type QualityCounts = z.infer<typeof qualityCountsSchema>;

export const qualityPeriodSchema = qualityCountsSchema.extend({ period: z.string() });

export const qualitySummarySchema = z.object({
  view: z.enum(["realtime", "daily", "monthly"]),
  from: z.string(),
  to: z.string(),
  totals: qualityCountsSchema,
  periods: z.array(qualityPeriodSchema),
});
export type QualitySummary = z.infer<typeof qualitySummarySchema>;
