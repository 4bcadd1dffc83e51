/**
 * One POST /v1/events and what its answer means for the batch, by the collector's contract (README, "The
 * contract in brief"): accepted (with per-event rejections), every event rejected, too large (split), the
 * token refused, gzip refused, a malformed request (drop), or anything to retry later (503, 429, other 5xx,
 * 403, 404, a network error or a timeout: none of these is the events' fault, and event ids make resending safe).
 * @module
 */
import type { BatchLimits, EncodedBatch } from "./batch.js";
import { parseRetryAfter } from "./retry-delay.js";

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** One event the server refused, by its index in the batch. */
export interface ServerRejection {
  index: number;
  errors: FieldError[];
}

export type PostOutcome =
  | { kind: "accepted"; rejected: ServerRejection[] }
  | { kind: "all_rejected"; rejected: ServerRejection[] }
  | { kind: "too_large"; limits: Partial<BatchLimits> }
  | { kind: "unauthorized" }
  | { kind: "gzip_refused" }
  | { kind: "malformed"; status: number; code: string | undefined }
  | { kind: "retry"; status: number | undefined; code: string | undefined; retryAfterMs: number | undefined };

/** 400 codes that say the request itself is broken: the same bytes can never succeed. */
const MALFORMED_CODES = new Set(["invalid_json", "invalid_envelope", "unsupported_schema_version"]);
// Any other 400 is retried, not dropped: body_incomplete (the body did not arrive whole), or a 400 without one of
// the collector's codes, which came from something in between (a proxy).

export interface PostOptions {
  fetch: typeof fetch;
  url: string;
  token: string | undefined;
  keepalive: boolean;
  timeoutMs: number;
  now: () => number;
}

export async function postBatch(batch: EncodedBatch, options: PostOptions): Promise<PostOutcome> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (batch.gzipped) headers["content-encoding"] = "gzip";
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(options.url, {
      method: "POST",
      headers,
      body: batch.body as BodyInit,
      keepalive: options.keepalive,
      signal: controller.signal,
    });
    text = await response.text();
  } catch {
    const code = controller.signal.aborted ? "timeout" : "network_error";
    return { kind: "retry", status: undefined, code, retryAfterMs: undefined };
  } finally {
    clearTimeout(timer);
  }
  return outcomeOf(response.status, parseJson(text), response.headers.get("retry-after"), batch, options.now());
}

interface ResponseBody {
  rejected?: unknown;
  error?: { code?: unknown; limits?: Record<string, unknown> };
}

function outcomeOf(
  status: number,
  body: ResponseBody | undefined,
  retryAfter: string | null,
  batch: EncodedBatch,
  now: number,
): PostOutcome {
  const code = typeof body?.error?.code === "string" ? body.error.code : undefined;
  if (status >= 200 && status < 300) return { kind: "accepted", rejected: rejectionsOf(body) };
  if (status === 400 && code === "no_valid_events") return { kind: "all_rejected", rejected: rejectionsOf(body) };
  if (status === 413) return { kind: "too_large", limits: limitsOf(body) };
  if (status === 401) return { kind: "unauthorized" };
  const gzipRefused =
    (status === 415 && code === "unsupported_content_encoding") || (status === 400 && code === "invalid_body_encoding");
  if (gzipRefused && batch.gzipped) return { kind: "gzip_refused" };
  if (status === 400 && code !== undefined && (MALFORMED_CODES.has(code) || code === "invalid_body_encoding")) {
    return { kind: "malformed", status, code };
  }
  return { kind: "retry", status, code, retryAfterMs: parseRetryAfter(retryAfter, now) };
}

function parseJson(text: string): ResponseBody | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as ResponseBody) : undefined;
  } catch {
    return undefined;
  }
}

function rejectionsOf(body: ResponseBody | undefined): ServerRejection[] {
  return Array.isArray(body?.rejected) ? (body.rejected as ServerRejection[]) : [];
}

function limitsOf(body: ResponseBody | undefined): Partial<BatchLimits> {
  const limits = body?.error?.limits ?? {};
  const number = (value: unknown) => (typeof value === "number" && value > 0 ? value : undefined);
  const result: Partial<BatchLimits> = {};
  const maxEvents = number(limits.max_events_per_request);
  const maxBytes = number(limits.max_decoded_bytes);
  const maxWireBytes = number(limits.max_wire_bytes);
  if (maxEvents) result.maxEvents = maxEvents;
  if (maxBytes) result.maxBytes = maxBytes;
  if (maxWireBytes) result.maxWireBytes = maxWireBytes;
  return result;
}
