/**
 * The Azure uploader against Azurite, which checks Shared Key signatures and SAS tokens as Azure does: Put Blob
 * or blocks with either, the bytes and the Content-Type kept, a SAS's permissions honoured, and failures named by
 * what to fix.
 * @module
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AzureSettings } from "../../src/core/delivery/destination.js";
import { azureUploader } from "../../src/delivery/azure-uploader.js";
import { bytesSource } from "../../src/delivery/object-source.js";
import { probeDestination } from "../../src/delivery/probe-destination.js";
import { failureOf } from "../support/node/storage-failure.js";
import { containerSas } from "../support/node/azure-sas.js";
import { AZURITE_ACCOUNT, AZURITE_KEY, startLocalAzure, type LocalAzure } from "../support/node/azurite-server.js";

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

describe("the Azure uploader with the account key (Shared Key signing)", () => {
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

describe("the Azure uploader with a SAS token", () => {
  const sas = (permissions: string, accountKey = AZURITE_KEY) =>
    containerSas({
      accountName: AZURITE_ACCOUNT,
      accountKey,
      container: "landing",
      permissions,
      expiresOn: new Date(Date.now() + 3600_000),
    });
  const sasSettings = () => settings({ auth: "sas", prefix: "sas" });

  it("writes a small file with Put Blob and a large one as blocks, with only create and write", async () => {
    const uploader = azureUploader(sasSettings(), sas("cw"));
    const small = new Uint8Array(randomBytes(2048));
    const large = new Uint8Array(randomBytes(100 * 1024 + 3));
    await uploader.put("sas/small.jsonl.gz", bytesSource(small), limits);
    await uploader.put("sas/blocks.jsonl.gz", bytesSource(large), limits);
    for (const [key, bytes] of [
      ["sas/small.jsonl.gz", small],
      ["sas/blocks.jsonl.gz", large],
    ] as const) {
      const stored = await azure.get("landing", key);
      expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(stored.contentType).toBe("application/gzip");
    }
  });

  it("passes destination test with create and write; a delete it may not do is reported, not a failure", async () => {
    const report = await probeDestination({
      id: "d",
      tenant: "t",
      name: "sas",
      settings: sasSettings(),
      secret: sas("cw"),
    });
    expect(report.ok).toBe(true);
    expect(report.steps).toMatchObject([
      { step: "write", ok: true },
      { step: "delete", ok: false, reason: "permissions", status: 403 },
    ]);
  });

  it("is refused with a token signed by another key: a credentials failure, nothing stored", async () => {
    const otherKey = Buffer.from(randomBytes(64)).toString("base64");
    const failure = await failureOf(
      azureUploader(sasSettings(), sas("cw", otherKey)).put(
        "sas/forged.jsonl.gz",
        bytesSource(new Uint8Array([1])),
        limits,
      ),
    );
    expect(failure).toMatchObject({ reason: "credentials", status: 403 });
    expect(await azure.keys("landing")).not.toContain("sas/forged.jsonl.gz");
  });

  it("is refused with a token whose permissions were changed after signing", async () => {
    const widened = sas("c").replace("sp=c", "sp=cw");
    const failure = await failureOf(
      azureUploader(sasSettings(), widened).put("sas/widened.jsonl.gz", bytesSource(new Uint8Array([1])), limits),
    );
    expect(failure).toMatchObject({ reason: "credentials", status: 403 });
  });
});
