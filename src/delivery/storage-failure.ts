/**
 * What went wrong at a destination, in the operator's words: the storage's own error code (S3's and Azure's
 * <Code>, or Azure's x-ms-error-code header) mapped to a reason that says what to fix. Used by the delivery
 * consumer's log line and last_error, and by `destination test`.
 * @module
 */

export const FAILURE_REASONS = [
  "credentials",
  "bucket_missing",
  "clock_skew",
  "permissions",
  "unavailable",
  "rejected",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

const HINTS: Record<FailureReason, string> = {
  credentials: "the access key or secret is wrong (or revoked)",
  bucket_missing: "the bucket or container does not exist",
  clock_skew: "the request time is too far from the storage's clock",
  permissions: "the credentials may not write there",
  unavailable: "the storage could not be reached or is failing; delivery retries",
  rejected: "the storage refused the request",
};

const REASON_BY_CODE: Record<string, FailureReason> = {
  // S3, S3-compatible stores and GCS's XML API
  InvalidAccessKeyId: "credentials",
  SignatureDoesNotMatch: "credentials",
  InvalidSecurity: "credentials",
  ExpiredToken: "credentials",
  NoSuchBucket: "bucket_missing",
  RequestTimeTooSkewed: "clock_skew",
  AccessDenied: "permissions",
  AllAccessDisabled: "permissions",
  SlowDown: "unavailable",
  ServiceUnavailable: "unavailable",
  InternalError: "unavailable",
  // Azure Blob Storage
  AuthenticationFailed: "credentials",
  InvalidAuthenticationInfo: "credentials",
  NoAuthenticationInformation: "credentials",
  ContainerNotFound: "bucket_missing",
  ResourceNotFound: "bucket_missing",
  AccountIsDisabled: "permissions",
  AuthorizationFailure: "permissions",
  AuthorizationPermissionMismatch: "permissions",
  AuthorizationResourceTypeMismatch: "permissions",
  AuthorizationServiceMismatch: "permissions",
  AuthorizationSourceIPMismatch: "permissions",
  AuthorizationProtocolMismatch: "permissions",
  ServerBusy: "unavailable",
  OperationTimedOut: "unavailable",
};

export class StorageFailure extends Error {
  readonly reason: FailureReason;
  /** The storage's error code (e.g. NoSuchBucket), or "network" when no answer came. */
  readonly storageCode: string;
  readonly status: number | null;

  constructor(reason: FailureReason, storageCode: string, status: number | null, detail: string) {
    super(
      `${HINTS[reason]} (${storageCode}${status === null ? "" : `, HTTP ${status}`}${detail ? `: ${detail}` : ""})`,
    );
    this.name = "StorageFailure";
    this.reason = reason;
    this.storageCode = storageCode;
    this.status = status;
  }
}

/** Reads a failed response's error code and message and names the reason. Consumes the body. */
export async function storageFailureFrom(response: Response, action: string): Promise<StorageFailure> {
  const body = await response.text().catch(() => "");
  return classifyStorageError(response.status, body, response.headers.get("x-ms-error-code"), action);
}

export function classifyStorageError(
  status: number,
  body: string,
  headerCode: string | null,
  action: string,
): StorageFailure {
  const code = headerCode ?? xmlElement(body, "Code") ?? `HTTP${status}`;
  const message = xmlElement(body, "Message")?.split("\n")[0] ?? "";
  const detail = [action, message].filter(Boolean).join(": ").slice(0, 300);
  // Azure reports a skewed clock as AuthenticationFailed; its detail names the date header.
  const authDetail = xmlElement(body, "AuthenticationErrorDetail") ?? "";
  if (
    code === "AuthenticationFailed" &&
    /date|time|expired|not valid/i.test(authDetail) &&
    !/signature/i.test(authDetail)
  ) {
    return new StorageFailure("clock_skew", code, status, `${detail} ${authDetail}`.trim());
  }
  // Azurite answers a bad Shared Key signature with AuthorizationFailure, "Server failed to authenticate…".
  if (/failed to authenticate/i.test(message)) return new StorageFailure("credentials", code, status, detail);
  // The code is the storage's text: only the table's own codes count, not what every object inherits.
  const known = Object.hasOwn(REASON_BY_CODE, code) ? REASON_BY_CODE[code] : undefined;
  const reason = known ?? (status >= 500 || status === 429 || status === 408 ? "unavailable" : "rejected");
  return new StorageFailure(reason, code, status, detail);
}

/** A fetch that threw: no answer, so the storage is unreachable from here. */
export function networkFailure(error: unknown, action: string): StorageFailure {
  const message = error instanceof Error ? error.message : String(error);
  return new StorageFailure("unavailable", "network", null, `${action}: ${message}`.slice(0, 300));
}

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1]?.trim();
}
