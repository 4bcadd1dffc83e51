/**
 * The request report (src/core/events/request-report.ts) of one request's rejected events: their counts by
 * type, client, client version, code and path in the minute the request was received, and as samples the first
 * rejected event of each of the first MAX_REPORT_SAMPLES distinct paths (the path of its first error).
 * Built only when a request has rejections, so a valid request pays nothing.
 * @module
 */
import { cutToLength } from "../foundation/cut-text.js";
import {
  MAX_REPORT_SAMPLES,
  MAX_SAMPLE_ERRORS,
  MAX_SAMPLE_EVENT_CHARS,
  ReportCounts,
  type RejectedSample,
  type RequestReport,
} from "../events/request-report.js";
import type { EventRejection } from "../events/validate-batch.js";
import { countedPath, rejectedCounts, rejectedEventFacts } from "./quality-dimensions.js";

const MAX_SAMPLE_MESSAGE_LENGTH = 200;

/** `events` are the request's events as sent; `receivedat` the request's (ISO-8601 UTC, ms). */
export function rejectedEventsReport(
  events: readonly unknown[],
  rejections: readonly EventRejection[],
  receivedat: string,
): RequestReport {
  const minute = receivedat.slice(0, 16);
  const counts = new ReportCounts();
  const samples: RejectedSample[] = [];
  for (const rejection of rejections) {
    const event = events[rejection.index];
    for (const [dimension, value] of rejectedCounts(rejectedEventFacts(event, rejection.errors))) {
      counts.add(minute, dimension, value);
    }
    const path = countedPath(rejection.errors[0]?.path ?? "");
    if (samples.length < MAX_REPORT_SAMPLES && !samples.some((sample) => sample.path === path)) {
      samples.push(sampleOf(event, rejection, path, receivedat));
    }
  }
  return { counts: counts.toArray(), samples };
}

function sampleOf(event: unknown, rejection: EventRejection, path: string, receivedat: string): RejectedSample {
  const errors = rejection.errors.slice(0, MAX_SAMPLE_ERRORS).map((error) => ({
    path: cutToLength(error.path, MAX_SAMPLE_MESSAGE_LENGTH),
    code: error.code,
    message: cutToLength(error.message, MAX_SAMPLE_MESSAGE_LENGTH),
  }));
  const sample: RejectedSample = { receivedat, path, errors, errorcount: rejection.errors.length };
  // An event too deep for JSON.stringify is described by its errors alone.
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch {
    json = undefined;
  }
  if (json === undefined) return sample;
  if (json.length <= MAX_SAMPLE_EVENT_CHARS) sample.event = event;
  else sample.eventprefix = cutToLength(json, MAX_SAMPLE_EVENT_CHARS);
  return sample;
}
