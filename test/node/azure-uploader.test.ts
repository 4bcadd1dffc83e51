/**
 * The Azure uploader against Azurite, which checks Shared Key signatures: Put Blob or blocks, the bytes and the
 * Content-Type kept, and failures named by what to fix.
 * @module
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AzureSettings } from "../../src/core/delivery/destination.js";
import { azureUploader } from "../../src/delivery/azure-uploader.js";
import { bytesSource } from "../../src/delivery/object-source.js";
import { failureOf } from "../support/node/storage-failure.js";
import { AZURITE_KEY, type LocalAzure, startLocalAzure } from "../support/node/azurite-server.js";

let azure: LocalAzure;
beforeAll(async () => {
  azure = await startLocalAzure();
  await azure.createContainer("landing");
}, 60_000);
afterAll(async () => azure?.stop());

const settings = (overrides: Partial<AzureSettings> = {}): AzureSettings => ({
  kind: "azure",
  containerUrl: `${azure.accountUrl}/landing`,
  auth: "shared_key",
  prefix: "exports",
  ...overrides,
});

const limits = { singlePutMaxBytes: 64 * 1024, partBytes: 20 * 1024 };

describe("the Azure uploader", () => {
  it("writes a small file with Put Blob, byte for byte, as application/gzip", async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    await azureUploader(settings(), AZURITE_KEY).put(
      "exports/2026/2026-05/2026-05-01/small.jsonl.gz",
      bytesSource(bytes),
      limits,
    );
    const stored = await azure.get("landing", "exports/2026/2026-05/2026-05-01/small.jsonl.gz");
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(stored.contentType).toBe("application/gzip");
  });

  it("writes a file above the single-PUT limit as blocks and a block list", async () => {
    const bytes = new Uint8Array(randomBytes(100 * 1024 + 3));
    await azureUploader(settings(), AZURITE_KEY).put("exports/blocks.jsonl.gz", bytesSource(bytes), limits);
    const stored = await azure.get("landing", "exports/blocks.jsonl.gz");
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(stored.contentType).toBe("application/gzip");
  });

  it("deletes what it wrote", async () => {
    const uploader = azureUploader(settings(), AZURITE_KEY);
    await uploader.put("exports/gone.jsonl.gz", bytesSource(new Uint8Array([1])), limits);
    await uploader.delete("exports/gone.jsonl.gz");
    expect(await azure.keys("landing")).not.toContain("exports/gone.jsonl.gz");
  });

  it("names a wrong account key a credentials failure", async () => {
    const wrongKey = Buffer.from(randomBytes(64)).toString("base64");
    const failure = await failureOf(
      azureUploader(settings(), wrongKey).put("exports/x", bytesSource(new Uint8Array([1])), limits),
    );
    // Azure says AuthenticationFailed; Azurite says AuthorizationFailure, "Server failed to authenticate the request".
    expect(failure).toMatchObject({ reason: "credentials", status: 403 });
    expect(failure.message).toMatch(/access key or secret is wrong/);
  });

  it("names a missing container", async () => {
    const failure = await failureOf(
      azureUploader(settings({ containerUrl: `${azure.accountUrl}/no-such-container` }), AZURITE_KEY).put(
        "exports/x",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "bucket_missing", storageCode: "ContainerNotFound", status: 404 });
  });
});
