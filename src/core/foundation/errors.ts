/**
 * The one error type of the collector and its stable codes. Every whole-request failure is a
 * CollectorError; src/edge/error-response.ts is the one place that turns it into a response.
 * @module
 */

export const ERROR_STATUS = {
  unauthorized: 401,
  insufficient_scope: 403,
  unknown_tenant: 403,
  tenant_disabled: 403,
  not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  unsupported_content_encoding: 415,
  payload_too_large: 413,
  too_many_events: 413,
  invalid_body_encoding: 400,
  body_incomplete: 400,
  invalid_json: 400,
  unsupported_schema_version: 400,
  invalid_envelope: 400,
  no_valid_events: 400,
  invalid_query: 400,
  invalid_destination: 400,
  unknown_destination: 404,
  destination_exists: 409,
  invalid_erasure: 400,
  unknown_erasure: 404,
  unknown_suppression: 404,
  day_not_closed: 409,
  day_files_unlisted: 409,
  range_not_satisfiable: 416,
  websocket_required: 426,
  rate_limited: 429,
  quota_exceeded: 429,
  queue_unavailable: 503,
  storage_unavailable: 503,
  temporarily_unavailable: 503,
  delivery_not_configured: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class CollectorError extends Error {
  readonly code: ErrorCode;
  /** Extra fields for the error body, e.g. the limits in a 413. */
  readonly details: Record<string, unknown> | undefined;
  /** Response headers the error needs, e.g. WWW-Authenticate on a 401. */
  readonly headers: Record<string, string>;
  override readonly cause: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message);
    this.name = "CollectorError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
    this.cause = options.cause;
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}
