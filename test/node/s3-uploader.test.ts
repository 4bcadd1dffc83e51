/**
 * The S3 uploader against an S3 stand-in that recomputes every request's SigV4 signature with AWS's own signer
 * (@smithy/signature-v4) and refuses a mismatch with 403: one PUT, multipart uploads (create, parts, complete,
 * and abort when a part fails), an S3-compatible store path-style, Amazon S3 itself virtual-hosted and GCS's
 * XML endpoint (region auto). The public hosts are reached on loopback only (loopback-fetch.ts).
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { AwsClient } from "aws4fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { S3Settings } from "../../src/core/delivery/destination.js";
import { bytesSource } from "../../src/delivery/object-source.js";
import { s3Uploader } from "../../src/delivery/s3-uploader.js";
import { failureOf } from "../support/node/storage-failure.js";
import { routePublicHostsTo } from "../support/node/loopback-fetch.js";
import { S3_TEST_KEY, startVerifyingS3, type VerifyingS3 } from "../support/node/verifying-s3.js";

let s3: VerifyingS3;
beforeAll(async () => {
  s3 = await startVerifyingS3({ buckets: ["landing"], region: "us-east-1" });
});
afterAll(async () => s3?.stop());
afterEach(() => {
  s3.answered.length = 0;
});

const settings = (overrides: Partial<S3Settings> = {}): S3Settings => ({
  kind: "s3",
  bucket: "landing",
  region: "us-east-1",
  endpoint: s3.endpoint,
  prefix: "audiogum",
  accessKeyId: S3_TEST_KEY.accessKeyId,
  ...overrides,
});

const limits = { singlePutMaxBytes: 8 * 1024 * 1024, partBytes: 5 * 1024 * 1024 };

/** What the stand-in answered, as `METHOD query-keys status`. */
const answers = (stand = s3) =>
  stand.answered.map((each) => `${each.method} ${each.query.join("&")} ${each.status}`.replace("  ", " "));

describe("S3 uploads whose every request the stand-in verified with @smithy/signature-v4", () => {
  it("write a small file in one signed PUT, byte for byte, as application/gzip", async () => {
    const bytes = new Uint8Array(randomBytes(2048));
    await s3Uploader(settings(), S3_TEST_KEY.secretAccessKey).put(
      "audiogum/2026/2026-05/2026-05-01/small.jsonl.gz",
      bytesSource(bytes),
      limits,
    );
    expect(answers()).toEqual(["PUT 200"]);
    const stored = await s3.get("landing", "audiogum/2026/2026-05/2026-05-01/small.jsonl.gz");
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(stored.contentType).toBe("application/gzip");
  });

  it("write a file above the single-PUT limit as a signed multipart upload of whole parts", async () => {
    // 12 MiB + 7 bytes with 5 MiB parts: three parts, the last one short.
    const bytes = new Uint8Array(randomBytes(12 * 1024 * 1024 + 7));
    await s3Uploader(settings(), S3_TEST_KEY.secretAccessKey).put(
      "audiogum/large.jsonl.gz",
      bytesSource(bytes),
      limits,
    );
    expect(answers()).toEqual([
      "POST uploads 200",
      "PUT partNumber&uploadId 200",
      "PUT partNumber&uploadId 200",
      "PUT partNumber&uploadId 200",
      "POST uploadId 200",
    ]);
    const stored = await s3.get("landing", "audiogum/large.jsonl.gz");
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(stored.contentType).toBe("application/gzip");
    expect(s3.openUploads()).toBe(0);
  });

  it("abort the multipart upload, signed too, when a part fails", async () => {
    s3.failNext((method, query) => method === "PUT" && query.get("partNumber") === "2", 503, "SlowDown");
    const failure = await failureOf(
      s3Uploader(settings(), S3_TEST_KEY.secretAccessKey).put(
        "audiogum/aborted.jsonl.gz",
        bytesSource(new Uint8Array(11 * 1024 * 1024)),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "unavailable", storageCode: "SlowDown", status: 503 });
    expect(answers()).toEqual([
      "POST uploads 200",
      "PUT partNumber&uploadId 200",
      "PUT partNumber&uploadId 503",
      "DELETE uploadId 204",
    ]);
    expect(s3.openUploads()).toBe(0);
    expect(await s3.keys("landing", "audiogum/aborted")).toEqual([]);
  });

  it("sign keys whose characters need escaping as S3 canonicalises them", async () => {
    const key = "audiogum/odd keys/a+b!c'(d)*e~f%g=h&i,j;k:l@m$n é.jsonl.gz";
    await s3Uploader(settings(), S3_TEST_KEY.secretAccessKey).put(key, bytesSource(new Uint8Array([1, 2])), limits);
    expect(answers()).toEqual(["PUT 200"]);
    expect(await s3.keys("landing", "audiogum/odd keys/")).toEqual([key]);
  });

  it("delete what they wrote", async () => {
    const uploader = s3Uploader(settings(), S3_TEST_KEY.secretAccessKey);
    await uploader.put("audiogum/gone.jsonl.gz", bytesSource(new Uint8Array([1])), limits);
    await uploader.delete("audiogum/gone.jsonl.gz");
    expect(answers()).toEqual(["PUT 200", "DELETE 204"]);
    expect(await s3.keys("landing", "audiogum/gone")).toEqual([]);
  });
});

describe("the public S3 forms, reached on loopback and verified with the host the service would see", () => {
  it("Amazon S3 itself: virtual-hosted {bucket}.s3.{region}.amazonaws.com", async () => {
    const aws = await startVerifyingS3({ buckets: ["landing"], region: "eu-west-1" });
    const routing = routePublicHostsTo(aws.endpoint, /^landing\.s3\.eu-west-1\.amazonaws\.com$/);
    try {
      const uploader = s3Uploader(settings({ endpoint: undefined, region: "eu-west-1" }), S3_TEST_KEY.secretAccessKey);
      await uploader.put("audiogum/aws.jsonl.gz", bytesSource(new Uint8Array([7])), limits);
      await uploader.put("audiogum/aws-large.jsonl.gz", bytesSource(new Uint8Array(6 * 1024 * 1024)), {
        singlePutMaxBytes: 1024,
        partBytes: 5 * 1024 * 1024,
      });
    } finally {
      routing.restore();
      await aws.stop();
    }
    expect(new Set(routing.hostsAsked)).toEqual(new Set(["landing.s3.eu-west-1.amazonaws.com"]));
    expect(answers(aws)).toEqual([
      "PUT 200",
      "POST uploads 200",
      "PUT partNumber&uploadId 200",
      "PUT partNumber&uploadId 200",
      "POST uploadId 200",
    ]);
    expect(await aws.keys("landing")).toEqual(["audiogum/aws-large.jsonl.gz", "audiogum/aws.jsonl.gz"]);
  });

  it("Google Cloud Storage's XML API: path-style on https://storage.googleapis.com, region auto", async () => {
    const gcs = await startVerifyingS3({ buckets: ["acme-exports"], region: "auto" });
    const routing = routePublicHostsTo(gcs.endpoint, /^storage\.googleapis\.com$/);
    try {
      const uploader = s3Uploader(
        settings({ endpoint: "https://storage.googleapis.com", region: "auto", bucket: "acme-exports" }),
        S3_TEST_KEY.secretAccessKey,
      );
      await uploader.put("audiogum/gcs.jsonl.gz", bytesSource(new Uint8Array([9])), limits);
      await uploader.delete("audiogum/gcs.jsonl.gz");
    } finally {
      routing.restore();
      await gcs.stop();
    }
    expect(routing.hostsAsked).toEqual(["storage.googleapis.com", "storage.googleapis.com"]);
    expect(gcs.answered.map((each) => `${each.method} ${each.path} ${each.status}`)).toEqual([
      "PUT /acme-exports/audiogum/gcs.jsonl.gz 200",
      "DELETE /acme-exports/audiogum/gcs.jsonl.gz 204",
    ]);
  });
});

describe("S3 failures, named by what to fix", () => {
  it("a wrong secret: 403 SignatureDoesNotMatch, a credentials failure, nothing stored", async () => {
    const failure = await failureOf(
      s3Uploader(settings(), `${S3_TEST_KEY.secretAccessKey}x`).put(
        "audiogum/tampered.jsonl.gz",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "credentials", storageCode: "SignatureDoesNotMatch", status: 403 });
    expect(await s3.keys("landing", "audiogum/tampered")).toEqual([]);
  });

  it("a wrong secret on a multipart upload: refused at its first request", async () => {
    const failure = await failureOf(
      s3Uploader(settings(), "not-the-secret").put(
        "audiogum/tampered-large.jsonl.gz",
        bytesSource(new Uint8Array(11 * 1024 * 1024)),
        limits,
      ),
    );
    expect(failure).toMatchObject({ storageCode: "SignatureDoesNotMatch" });
    expect(s3.openUploads()).toBe(0);
  });

  it("an unknown access key", async () => {
    const failure = await failureOf(
      s3Uploader(settings({ accessKeyId: "AKIANOTAKEY" }), "whatever").put(
        "audiogum/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "credentials", storageCode: "InvalidAccessKeyId", status: 403 });
  });

  it("a missing bucket", async () => {
    const failure = await failureOf(
      s3Uploader(settings({ bucket: "no-such-bucket" }), S3_TEST_KEY.secretAccessKey).put(
        "audiogum/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "bucket_missing", storageCode: "NoSuchBucket", status: 404 });
  });

  it("an unreachable endpoint", async () => {
    const failure = await failureOf(
      s3Uploader(settings({ endpoint: "http://127.0.0.1:9" }), S3_TEST_KEY.secretAccessKey).put(
        "audiogum/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "unavailable", storageCode: "network", status: null });
  });
});

describe("the stand-in's check", () => {
  // A request signed correctly, then changed in one signed part before it is sent: each must be refused.
  async function sentAfter(change: (url: URL, headers: Headers) => void): Promise<string> {
    const client = new AwsClient({ ...S3_TEST_KEY, service: "s3", region: "us-east-1", retries: 0 });
    const signed = await client.sign(`${s3.endpoint}/landing/audiogum/check.jsonl.gz?partNumber=1&uploadId=u`, {
      method: "PUT",
      body: "x",
    });
    const url = new URL(signed.url);
    const headers = new Headers(signed.headers);
    change(url, headers);
    const response = await fetch(url, { method: "PUT", headers, body: "x" });
    return `${response.status} ${/<Code>([^<]*)/.exec(await response.text())?.[1]}`;
  }

  it("accepts the request as signed, and refuses it once its path, query, host or a signed header changed", async () => {
    expect(await sentAfter(() => {})).toBe("404 NoSuchUpload");
    expect(await sentAfter((url) => (url.pathname = "/landing/audiogum/other.jsonl.gz"))).toBe(
      "403 SignatureDoesNotMatch",
    );
    expect(await sentAfter((url) => url.searchParams.set("partNumber", "2"))).toBe("403 SignatureDoesNotMatch");
    expect(await sentAfter((_, headers) => headers.set("x-forwarded-host", "elsewhere.example"))).toBe(
      "403 SignatureDoesNotMatch",
    );
    const bodyHash = createHash("sha256").update("x").digest("hex");
    expect(await sentAfter((_, headers) => headers.set("x-amz-content-sha256", bodyHash))).toBe(
      "403 SignatureDoesNotMatch",
    );
  });
});
