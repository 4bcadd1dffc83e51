/**
 * The S3 uploader against a real S3-compatible server (s3rver): one PUT or multipart, the bytes and the
 * Content-Type kept, and failures named by what to fix.
 * @module
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Settings } from "../../src/core/delivery/destination.js";
import { bytesSource } from "../../src/delivery/object-source.js";
import { s3Uploader } from "../../src/delivery/s3-uploader.js";
import { failureOf } from "../support/node/storage-failure.js";
import { type LocalS3, S3RVER_KEY, startLocalS3 } from "../support/node/s3-server.js";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3(["landing"]);
});
afterAll(async () => s3?.dispose());

const settings = (overrides: Partial<S3Settings> = {}): S3Settings => ({
  kind: "s3",
  bucket: "landing",
  region: "us-east-1",
  endpoint: s3.endpoint,
  prefix: "audiogum",
  accessKeyId: S3RVER_KEY.accessKeyId,
  ...overrides,
});

const limits = { singlePutMaxBytes: 8 * 1024 * 1024, partBytes: 5 * 1024 * 1024 };

describe("the S3 uploader", () => {
  it("writes a small file in one PUT, byte for byte, as application/gzip", async () => {
    const bytes = new Uint8Array(randomBytes(2048));
    await s3Uploader(settings(), S3RVER_KEY.secretAccessKey).put(
      "audiogum/2026/2026-05/2026-05-01/small.jsonl.gz",
      bytesSource(bytes),
      limits,
    );
    const stored = await s3.get("landing", "audiogum/2026/2026-05/2026-05-01/small.jsonl.gz");
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(stored.contentType).toBe("application/gzip");
  });

  it("writes a file above the single-PUT limit as a multipart upload of whole parts", async () => {
    // 12 MiB + 7 bytes with 5 MiB parts: three parts, the last one short.
    const bytes = new Uint8Array(randomBytes(12 * 1024 * 1024 + 7));
    await s3Uploader(settings(), S3RVER_KEY.secretAccessKey).put("audiogum/large.jsonl.gz", bytesSource(bytes), limits);
    const stored = await s3.get("landing", "audiogum/large.jsonl.gz");
    expect(stored.bytes.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it("deletes what it wrote", async () => {
    const uploader = s3Uploader(settings(), S3RVER_KEY.secretAccessKey);
    await uploader.put("audiogum/gone.jsonl.gz", bytesSource(new Uint8Array([1])), limits);
    await uploader.delete("audiogum/gone.jsonl.gz");
    expect(await s3.keys("landing", "audiogum/gone")).toEqual([]);
  });

  it("names an unknown access key a credentials failure, with the storage's code", async () => {
    const failure = await failureOf(
      s3Uploader(settings({ accessKeyId: "AKIANOTAKEY" }), "whatever").put(
        "audiogum/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "credentials", storageCode: "InvalidAccessKeyId", status: 403 });
  });

  it("names a missing bucket", async () => {
    const failure = await failureOf(
      s3Uploader(settings({ bucket: "no-such-bucket" }), S3RVER_KEY.secretAccessKey).put(
        "audiogum/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "bucket_missing", storageCode: "NoSuchBucket", status: 404 });
  });

  it("names an unreachable endpoint unavailable", async () => {
    const failure = await failureOf(
      s3Uploader(settings({ endpoint: "http://127.0.0.1:9" }), S3RVER_KEY.secretAccessKey).put(
        "audiogum/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "unavailable", storageCode: "network", status: null });
  });
});
