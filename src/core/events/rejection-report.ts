/**
 * What a device is told about its rejected events: bounded, however many it sent and however wrong they were.
 * Without a bound a 3 KB gzipped body of 2,000 invalid events drew a 3.8 MB answer. The first
 * MAX_REJECTIONS_LISTED rejections are listed, in order, each with its first MAX_ERRORS_LISTED errors and each
 * error's path and message cut to a length; the counts stay exact. A body with nothing left out is as it always
 * was (`{"accepted": n, "rejected": [...]}`); one with rejections or errors left out adds `"truncated": true` and
 * `"rejectedcount"`, and a rejection whose errors were cut adds `"errorcount"`. A shortened path or message ends
 * in "...".
 * @module
 */
import { cutToLength } from "../foundation/cut-text.js";
import type { EventRejection, FieldError } from "./validate-batch.js";

export const MAX_REJECTIONS_LISTED = 50;
export const MAX_ERRORS_LISTED = 5;
/** A path may name a device's own (long) field names; messages are ours but may quote a device's value. */
export const MAX_ERROR_PATH_LENGTH = 128;
export const MAX_ERROR_MESSAGE_LENGTH = 200;

export interface ListedRejection extends EventRejection {
  /** How many errors the event has, when fewer are listed. */
  errorcount?: number;
}

export interface RejectionReport {
  rejected: ListedRejection[];
  /** Present when rejections or errors were left out: then `rejectedcount` is the number of rejected events. */
  truncated?: true;
  rejectedcount?: number;
}

export function reportRejections(rejections: readonly EventRejection[]): RejectionReport {
  const rejected = rejections.slice(0, MAX_REJECTIONS_LISTED).map(listRejection);
  const truncated =
    rejections.length > MAX_REJECTIONS_LISTED || rejected.some((rejection) => rejection.errorcount !== undefined);
  return truncated ? { rejected, truncated, rejectedcount: rejections.length } : { rejected };
}

/** The rejection as listed: the same object when nothing of it is cut. */
function listRejection(rejection: EventRejection): ListedRejection {
  const errors = rejection.errors.slice(0, MAX_ERRORS_LISTED).map(listError);
  const shortened = errors.some((error, at) => error !== rejection.errors[at]);
  if (errors.length === rejection.errors.length && !shortened) return rejection;
  const listed: ListedRejection = { index: rejection.index, errors };
  if (errors.length < rejection.errors.length) listed.errorcount = rejection.errors.length;
  return listed;
}

function listError(error: FieldError): FieldError {
  if (error.path.length <= MAX_ERROR_PATH_LENGTH && error.message.length <= MAX_ERROR_MESSAGE_LENGTH) return error;
  return {
    path: cutWithMark(error.path, MAX_ERROR_PATH_LENGTH),
    code: error.code,
    message: cutWithMark(error.message, MAX_ERROR_MESSAGE_LENGTH),
  };
}

function cutWithMark(text: string, length: number): string {
  return text.length <= length ? text : `${cutToLength(text, length - 3)}...`;
}
