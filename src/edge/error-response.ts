/**
 * The one place that turns a CollectorError (or anything unexpected) into the JSON error response.
 * @module
 */
import type { Context } from "hono";
import { CollectorError } from "../core/foundation/errors.js";

export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

/** Seconds a device should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

export function errorBody(error: CollectorError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...error.details } };
}

export function errorResponse(c: Context, error: CollectorError): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  if (error.status === 503) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  return c.body(JSON.stringify(errorBody(error)), error.status, Object.fromEntries(headers));
}

/**
 * Anything that is not a CollectorError is a fault of ours, not the device's: answer 503 so the device retries
 * (event ids make the retry safe) and never show it a stack trace.
 */
export function asCollectorError(error: unknown): CollectorError {
  if (error instanceof CollectorError) return error;
  return new CollectorError("temporarily_unavailable", "The collector could not handle this request; retry later.", {
    cause: error,
  });
}
