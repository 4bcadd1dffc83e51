/**
 * The request report: what the edge knows about its requests that the queued events cannot tell the consumer
 * (the rejected events, for the data quality counts, and the requests' usage, for the operator's usage report),
 * carried from the edge to the consumer on the queue
 * message the edge already sends (`"report"` beside `"events"`, src/core/events/queue-message.ts). This is the
 * one channel from the edge's requests to the consumer's storage: a new kind of edge-side number is a new
 * count dimension (or a new optional field here), never a new message or a new store.
 *
 * A report is counts by (UTC minute, dimension, value), plus up to MAX_REPORT_SAMPLES rejected events as sent.
 * It is bounded whatever the requests were: at most MAX_REPORT_COUNTS counts (a value past the bound counts as
 * OTHER_VALUE of its dimension), samples of at most MAX_SAMPLE_EVENT_CHARS each. The consumer counts a report
 * exactly once: one riding with events in the commit of the export file that holds the message's first event
 * (src/consumer/export-tenant-group.ts), one sent on its own (`id` set, no events) in its ledger shard, which
 * remembers the ids it counted (src/ledger/shard-reports.ts). Its usage is added to the tenant's day when the
 * consumer acks the message that carries it (src/consumer/count-tenant-usage.ts).
 * @module
 */
import { z } from "zod";
import { mergeRequestUsage, requestUsageSchema } from "../usage/request-usage.js";

/** Minutes 'yyyy-mm-ddTHH:MM' (UTC), the finest grain the consumer keeps. */
const minuteSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);

export const MAX_REPORT_COUNTS = 400;
export const MAX_REPORT_SAMPLES = 3;
/** The JSON of a sampled event past this many characters is kept as its first characters (`eventprefix`). */
export const MAX_SAMPLE_EVENT_CHARS = 8 * 1024;
export const MAX_SAMPLE_ERRORS = 5;
/** The value a dimension's new values count as once the report holds MAX_REPORT_COUNTS counts. */
export const OTHER_VALUE = "(other)";

export const reportCountSchema = z.tuple([minuteSchema, z.string(), z.string(), z.int().positive()]);
/** [minute, dimension, value, count] */
export type ReportCount = z.infer<typeof reportCountSchema>;

export const sampleErrorSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });

/** A rejected event as the device sent it (or the first characters of its JSON), with its errors. */
export const rejectedSampleSchema = z.object({
  receivedat: z.iso.datetime({ precision: 3 }),
  /** The counted path of the event's first error (quality-dimensions.ts): the sample is kept per path and hour. */
  path: z.string(),
  errors: z.array(sampleErrorSchema).max(MAX_SAMPLE_ERRORS),
  /** The event's total number of errors. */
  errorcount: z.int().positive(),
  event: z.unknown().optional(),
  /** Instead of `event` when its JSON is longer than MAX_SAMPLE_EVENT_CHARS. */
  eventprefix: z.string().max(MAX_SAMPLE_EVENT_CHARS).optional(),
});
export type RejectedSample = z.infer<typeof rejectedSampleSchema>;

export const requestReportSchema = z.object({
  /** Set when the report travels without events: the consumer counts each id once. */
  id: z.uuid().optional(),
  counts: z.array(reportCountSchema).max(2 * MAX_REPORT_COUNTS),
  samples: z.array(rejectedSampleSchema).max(MAX_REPORT_SAMPLES),
  /** The requests' usage for the operator's report (core/usage/request-usage.ts), added to the tenant's day. */
  usage: requestUsageSchema.optional(),
});
export type RequestReport = z.infer<typeof requestReportSchema>;

export function emptyReport(): RequestReport {
  return { counts: [], samples: [] };
}

export function isEmptyReport(report: RequestReport): boolean {
  return report.counts.length === 0 && report.samples.length === 0 && report.usage === undefined;
}

/**
 * Adds `count` to (minute, dimension, value) in a report's counts kept by key (a Map, so any device text is a
 * plain value). Past MAX_REPORT_COUNTS keys a new value counts as OTHER_VALUE of its dimension.
 */
export class ReportCounts {
  private readonly counts = new Map<string, ReportCount>();

  add(minute: string, dimension: string, value: string, count = 1): void {
    let key = `${minute}\u0000${dimension}\u0000${value}`;
    let entry = this.counts.get(key);
    if (!entry && this.counts.size >= MAX_REPORT_COUNTS) {
      key = `${minute}\u0000${dimension}\u0000${OTHER_VALUE}`;
      entry = this.counts.get(key);
      value = OTHER_VALUE;
    }
    if (entry) entry[3] += count;
    // Past twice the bound even OTHER_VALUE keys (one per minute and dimension) are dropped.
    else if (this.counts.size < 2 * MAX_REPORT_COUNTS) this.counts.set(key, [minute, dimension, value, count]);
  }

  addAll(counts: readonly ReportCount[]): void {
    for (const [minute, dimension, value, count] of counts) this.add(minute, dimension, value, count);
  }

  get size(): number {
    return this.counts.size;
  }

  toArray(): ReportCount[] {
    return [...this.counts.values()];
  }
}

/**
 * One report of several: counts and usage added up, the first MAX_REPORT_SAMPLES samples of distinct paths kept.
 */
export function mergeReports(reports: readonly RequestReport[]): RequestReport {
  const counts = new ReportCounts();
  const samples: RejectedSample[] = [];
  const usages = reports.flatMap((report) => (report.usage ? [report.usage] : []));
  for (const report of reports) {
    counts.addAll(report.counts);
    for (const sample of report.samples) {
      if (samples.length < MAX_REPORT_SAMPLES && !samples.some((kept) => kept.path === sample.path)) {
        samples.push(sample);
      }
    }
  }
  return { counts: counts.toArray(), samples, ...(usages.length > 0 ? { usage: mergeRequestUsage(usages) } : {}) };
}

export function parseRequestReport(value: unknown): RequestReport {
  return requestReportSchema.parse(value);
}
