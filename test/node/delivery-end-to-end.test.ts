/**
 * Push delivery with real tools: the Worker runs locally under wrangler, the customer's storage is an S3
 * stand-in that verifies every request's SigV4 signature with AWS's own signer (test/support/node/verifying-s3.ts) and
 * Azure's emulator (Azurite, which checks Shared Key and SAS signatures), destinations are added and tested with
 * `npm run tenant -- destination …`, events are POSTed, and every committed export file must arrive at each
 * destination byte for byte, under the Omny convention, once, also across an outage of the destination.
 * @module
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { dayManifestSchema, exportListingSchema } from "../../src/core/exports/export-listing.js";
import { runDestinationCommand } from "../../scripts/tenant/destination.js";
import { containerSas } from "../support/node/azure-sas.js";
import { AZURITE_ACCOUNT, AZURITE_KEY, type LocalAzure, startLocalAzure } from "../support/node/azurite-server.js";
import { S3_TEST_KEY, startVerifyingS3, type VerifyingS3 } from "../support/node/verifying-s3.js";
import { type LocalCollector, startLocalCollector } from "../support/node/local-collector.js";

const TENANT = `push-${Date.now().toString(36)}`;
let collector: LocalCollector;
let s3: VerifyingS3;
let azure: LocalAzure;

beforeAll(async () => {
  [s3, azure] = await Promise.all([startVerifyingS3({ buckets: ["landing"] }), startLocalAzure()]);
  await Promise.all([azure.createContainer("landing"), azure.createContainer("sas-only")]);
  // Retries a second apart, so a recovered destination is caught up within the test.
  collector = await startLocalCollector({
    vars: { DELIVERY_RETRY_FIRST_SECONDS: "1", DELIVERY_RETRY_MAX_SECONDS: "2" },
  });
}, 180_000);

afterAll(async () => {
  await collector?.stop();
  await Promise.all([s3?.stop(), azure?.stop()]);
});

/** Runs `npm run tenant -- destination …` in process against the local collector; returns its exit code and output. */
async function destination(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const log = vi
    .spyOn(console, "log")
    .mockImplementation((...parts: unknown[]) => void lines.push(parts.map(String).join(" ")));
  const table = vi.spyOn(console, "table").mockImplementation((rows: unknown) => void lines.push(JSON.stringify(rows)));
  try {
    const code = await runDestinationCommand([
      ...args,
      "--url",
      collector.url.toString(),
      "--token",
      collector.adminToken,
    ]);
    return { code, output: lines.join("\n") };
  } finally {
    log.mockRestore();
    table.mockRestore();
  }
}

/** `destination add` of an S3 destination at the S3 stand-in, with the given keys; `more` are further flags. */
function addS3(
  name: string,
  bucket: string,
  keys: { accessKeyId: string; secretAccessKey: string },
  ...more: string[]
): Promise<{ code: number; output: string }> {
  return destination(
    "add",
    TENANT,
    name,
    "--kind",
    "s3",
    "--bucket",
    bucket,
    "--endpoint",
    s3.endpoint,
    ...more,
    "--access-key-id",
    keys.accessKeyId,
    "--secret-access-key",
    keys.secretAccessKey,
  );
}

async function committedFiles(): Promise<string[]> {
  const response = await collector.getAs(TENANT, "/v1/exports");
  return exportListingSchema.parse(await response.json()).files.map((file) => file.key);
}

async function exportBytes(key: string): Promise<Uint8Array> {
  const response = await collector.getAs(TENANT, `/v1/exports/${key}`);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

async function todaysManifest() {
  const day = new Date().toISOString().slice(0, 10);
  return dayManifestSchema.parse(await (await collector.getAs(TENANT, `/v1/exports/days/${day}`)).json());
}

const relative = (key: string) => key.slice(TENANT.length + 1);

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting until ${what}: ${JSON.stringify((await todaysManifest()).deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe("push delivery from a locally running collector", () => {
  it("destination test reports wrong credentials and a missing bucket by name, and passes for good ones", async () => {
    await addS3("wrong-key", "landing", { accessKeyId: "AKIAWRONG", secretAccessKey: "not-the-secret" });
    const wrongKey = await destination("test", TENANT, "wrong-key");
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.output).toMatch(
      /write .*: FAILED, credentials: the access key or secret is wrong.*InvalidAccessKeyId/,
    );

    await addS3("no-bucket", "missing", S3_TEST_KEY);
    expect((await destination("test", TENANT, "no-bucket")).output).toMatch(/FAILED, bucket_missing: .*NoSuchBucket/);

    // The right key id with a wrong secret: only a signature check can tell.
    await addS3("wrong-secret", "landing", { ...S3_TEST_KEY, secretAccessKey: "not-the-secret" });
    expect((await destination("test", TENANT, "wrong-secret")).output).toMatch(
      /FAILED, credentials: .*SignatureDoesNotMatch/,
    );

    const wrongAzureKey = Buffer.alloc(64, 7).toString("base64");
    await destination(
      "add",
      TENANT,
      "wrong-azure",
      "--kind",
      "azure",
      "--container-url",
      `${azure.accountUrl}/landing`,
      "--account-key",
      wrongAzureKey,
    );
    expect((await destination("test", TENANT, "wrong-azure")).output).toMatch(/FAILED, credentials/);

    // A SAS with only create and write, as docs/delivery.md asks for: it writes; the probe's delete is refused
    // (so it stays, in a container of its own).
    const sasToken = containerSas({
      accountName: AZURITE_ACCOUNT,
      accountKey: AZURITE_KEY,
      container: "sas-only",
      permissions: "cw",
      expiresOn: new Date(Date.now() + 3600_000),
    });
    await destination(
      "add",
      TENANT,
      "azure-sas",
      "--kind",
      "azure",
      "--container-url",
      `${azure.accountUrl}/sas-only`,
      "--sas-token",
      sasToken,
    );
    const sasTest = await destination("test", TENANT, "azure-sas");
    expect(sasTest.code).toBe(0);
    expect(sasTest.output).toMatch(/write .*: ok\ndelete .*: FAILED, permissions/);

    for (const name of ["wrong-key", "no-bucket", "wrong-secret", "wrong-azure", "azure-sas"])
      expect((await destination("remove", TENANT, name)).code).toBe(0);

    await addS3("s3", "landing", S3_TEST_KEY, "--prefix", "audiogum");
    await destination(
      "add",
      TENANT,
      "azure",
      "--kind",
      "azure",
      "--container-url",
      `${azure.accountUrl}/landing`,
      "--prefix",
      "exports/",
      "--account-key",
      AZURITE_KEY,
    );
    const s3Test = await destination("test", TENANT, "s3");
    expect(s3Test).toMatchObject({ code: 0 });
    expect(s3Test.output).toMatch(/write .*: ok\ndelete .*: ok/);
    expect((await destination("test", TENANT, "azure")).code).toBe(0);

    const listing = await destination("list", TENANT);
    expect(listing.output).toContain("landing");
    for (const secret of [S3_TEST_KEY.secretAccessKey, AZURITE_KEY, "not-the-secret", wrongAzureKey, sasToken])
      expect(listing.output).not.toContain(secret);
    // The probes cleaned up after themselves.
    expect(await s3.keys("landing")).toEqual([]);
  }, 60_000);

  it("delivers every committed file to S3 and Azure byte for byte under the Omny convention, each once", async () => {
    const answeredBefore = s3.answered.length;
    await collector.postSeedEvents(TENANT);
    await collector.postSeedEvents(TENANT);
    await waitFor(async () => (await todaysManifest()).events === 2 * seedEvents().length, "both posts are exported");
    await waitFor(async () => {
      const manifest = await todaysManifest();
      return (
        manifest.deliveries.length === manifest.files.length * 2 &&
        manifest.deliveries.every((entry) => entry.state === "delivered")
      );
    }, "every file is delivered to both destinations");

    const files = await committedFiles();
    expect(await s3.keys("landing")).toEqual(files.map((key) => `audiogum/${relative(key)}`).sort());
    expect(await azure.keys("landing")).toEqual(files.map((key) => `exports/${relative(key)}`).sort());
    for (const key of files) {
      const original = Buffer.from(await exportBytes(key));
      const atS3 = await s3.get("landing", `audiogum/${relative(key)}`);
      const atAzure = await azure.get("landing", `exports/${relative(key)}`);
      expect(Buffer.from(atS3.bytes).equals(original)).toBe(true);
      expect(Buffer.from(atAzure.bytes).equals(original)).toBe(true);
      expect(atS3.contentType).toBe("application/gzip");
      expect(atAzure.contentType).toBe("application/gzip");
      expect(relative(key)).toMatch(
        /^(\d{4})\/\1-(\d{2})\/\1-\2-(\d{2})\/\1-\2-\3T\d{4}_\d{6}\.\d{3}_[0-9a-f-]{36}\.jsonl\.gz$/,
      );
    }
    // The Worker signed every upload so that AWS's own signer agreed.
    const uploads = s3.answered.slice(answeredBefore);
    expect(uploads.map((answer) => `${answer.method} ${answer.status}`)).toEqual(files.map(() => "PUT 200"));
  }, 120_000);

  it("keeps retrying a destination that is down, shows the error in the day manifest, and catches up when it is back", async () => {
    const before = new Set(await committedFiles());
    await s3.stop();
    await collector.postSeedEvents(TENANT);
    await waitFor(async () => {
      const manifest = await todaysManifest();
      return manifest.deliveries.some(
        (entry) => entry.destination === "s3" && entry.state === "pending" && entry.attempts >= 2,
      );
    }, "the S3 delivery has failed twice");
    const failing = (await todaysManifest()).deliveries.find(
      (entry) => entry.destination === "s3" && entry.state === "pending",
    );
    expect(failing?.last_error).toMatch(/could not be reached/);
    expect(failing?.last_error).not.toContain(S3_TEST_KEY.secretAccessKey);

    await s3.start();
    await waitFor(
      async () => (await todaysManifest()).deliveries.every((entry) => entry.state === "delivered"),
      "every delivery recovers",
    );
    const files = await committedFiles();
    expect(files.filter((key) => !before.has(key)).length).toBeGreaterThan(0);
    expect(await s3.keys("landing")).toEqual(files.map((key) => `audiogum/${relative(key)}`).sort());
    for (const key of files) {
      expect(
        Buffer.from((await s3.get("landing", `audiogum/${relative(key)}`)).bytes).equals(
          Buffer.from(await exportBytes(key)),
        ),
      ).toBe(true);
    }
  }, 150_000);
});
