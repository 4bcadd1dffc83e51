/**
 * Storage error answers become reasons an operator can act on: credentials, missing bucket, clock skew,
 * permissions, unavailable. The codes are those S3 and Azure document.
 * @module
 */
import { describe, expect, it } from "vitest";
import { classifyStorageError } from "../../src/delivery/storage-failure.js";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";

const s3 = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message></Error>`;

describe("storage errors", () => {
  it.each([
    ["InvalidAccessKeyId", 403, "credentials"],
    ["SignatureDoesNotMatch", 403, "credentials"],
    ["NoSuchBucket", 404, "bucket_missing"],
    ["RequestTimeTooSkewed", 403, "clock_skew"],
    ["AccessDenied", 403, "permissions"],
    ["SlowDown", 503, "unavailable"],
  ])("S3 %s is %s", (code, status, reason) => {
    expect(classifyStorageError(status, s3(code), null, "PutObject")).toMatchObject({
      reason,
      storageCode: code,
      status,
    });
  });

  it.each([
    ["AuthenticationFailed", "Signature did not match.", "credentials"],
    ["ContainerNotFound", "", "bucket_missing"],
    ["AuthorizationPermissionMismatch", "", "permissions"],
  ])("Azure %s is %s", (code, detail, reason) => {
    const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>m</Message><AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail></Error>`;
    expect(classifyStorageError(403, body, code, "Put Blob")).toMatchObject({ reason, storageCode: code });
  });

  it("tells a skewed clock from a bad key in Azure's AuthenticationFailed", () => {
    const body =
      "<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message><AuthenticationErrorDetail>Request date header too old: 'Fri, 01 Mar 2024 00:00:00 GMT'</AuthenticationErrorDetail></Error>";
    expect(classifyStorageError(403, body, "AuthenticationFailed", "Put Blob").reason).toBe("clock_skew");
  });

  it("names an unknown 5xx unavailable and an unknown 4xx rejected, with the HTTP status as the code", () => {
    expect(classifyStorageError(502, "", null, "PutObject")).toMatchObject({
      reason: "unavailable",
      storageCode: "HTTP502",
    });
    expect(classifyStorageError(400, "", null, "PutObject")).toMatchObject({
      reason: "rejected",
      storageCode: "HTTP400",
    });
  });

  it.each(PROTOTYPE_NAMES)("names a storage's code %s, which every object inherits, as an unknown code", (code) => {
    for (const [status, reason] of [
      [403, "rejected"],
      [503, "unavailable"],
    ] as const) {
      expect(classifyStorageError(status, s3(code), null, "PutObject")).toMatchObject({ reason, storageCode: code });
      expect(classifyStorageError(status, "", code, "Put Blob")).toMatchObject({ reason, storageCode: code });
    }
  });
});
