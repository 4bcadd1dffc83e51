/**
 * Push delivery with real tools: the Worker runs locally under wrangler, the customer's storage is an S3
 * stand-in that verifies every request's SigV4 signature with AWS's own signer (test/support/node/verifying-s3.ts) and
 * Azure's emulator (Azurite, which checks Shared Key and SAS signatures), destinations are added and tested with
 * `npm run tenant -- destination …`, events are POSTed, and every committed export file must arrive at each
 * destination byte for byte, under the Omny convention, once, also across an outage of the destination; a
 * privacy erasure then replaces the user's files there under the same keys (docs/privacy.md).
 * @module
 */
import { gunzipSync } from "node:zlib";
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

/** POSTs `count` of the document's examples as another user and device of the tenant. */
async function postAs(identity: { user: string; device: string }, count: number): Promise<void> {
  const events = seedEvents()
    .slice(0, count)
    .map((event, index) => ({ ...event, sequencenumber: 10_000 + index }));
  const response = await fetch(new URL("/v1/events", collector.url), {
    method: "POST",
    headers: {
      authorization: `Bearer ${await collector.token(TENANT, "events:write", identity)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ schemaversion: "1.0", events }),
  });
  expect(response.status).toBe(202);
}

/** Whether a committed file holds lines of both `userid` and the test device's user. */
async function someFileHoldsBoth(userid: string): Promise<boolean> {
  for (const key of await committedFiles()) {
    const users = new Set(
      gunzipSync(await exportBytes(key))
        .toString("utf8")
        .split("\n")
        .filter(Boolean)
        .map(userOf),
    );
    if (users.has(userid) && users.has(`user-of-${TENANT}`)) return true;
  }
  return false;
}

async function allDelivered(): Promise<boolean> {
  return (await todaysManifest()).deliveries.every((entry) => entry.state === "delivered");
}

/** Requests the erasure of `userid` through the admin API and waits until the collector's queue has run it. */
async function runErasureOf(userid: string): Promise<{ status: string; counts: Record<string, number> }> {
  const admin = { authorization: `Bearer ${collector.adminToken}` };
  const answer = await fetch(new URL(`/admin/tenants/${TENANT}/erasures`, collector.url), {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify({ userid, suppress: false }),
  });
  expect(answer.status).toBe(202);
  const { id } = (await answer.json()) as { id: string };
  let status = { status: "pending", counts: {} as Record<string, number> };
  await waitFor(async () => {
    const response = await fetch(new URL(`/admin/tenants/${TENANT}/erasures/${id}`, collector.url), { headers: admin });
    status = (await response.json()) as typeof status;
    return status.status === "done";
  }, "the erasure is done");
  return status;
}

/** A destination's objects by tenant-relative key. */
type ObjectsAt = () => Promise<Map<string, Uint8Array>>;

const s3Objects: ObjectsAt = async () =>
  new Map(
    await Promise.all(
      (await s3.keys("landing", "audiogum/")).map(
        async (key) => [key.slice("audiogum/".length), (await s3.get("landing", key)).bytes] as const,
      ),
    ),
  );

const azureObjects: ObjectsAt = async () =>
  new Map(
    await Promise.all(
      (await azure.keys("landing"))
        .filter((key) => key.startsWith("exports/"))
        .map(async (key) => [key.slice("exports/".length), (await azure.get("landing", key)).bytes] as const),
    ),
  );

/** Every line of every object at a destination, by tenant-relative key. */
async function linesAt(objects: ObjectsAt): Promise<Map<string, string[]>> {
  const lines = new Map<string, string[]>();
  for (const [key, bytes] of await objects()) {
    lines.set(
      key,
      gunzipSync(bytes)
        .toString("utf8")
        .split("\n")
        .filter((line) => line !== ""),
    );
  }
  return new Map([...lines].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const userOf = (line: string) => (JSON.parse(line) as { userid?: string }).userid;

/** The lines not of `userid`; a key left with none is left out, as its object is deleted. */
function withoutUser(lines: Map<string, string[]>, userid: string): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  for (const [key, all] of lines) {
    const others = all.filter((line) => userOf(line) !== userid);
    if (others.length > 0) kept.set(key, others);
  }
  return kept;
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

  it("an erasure replaces the user's files at S3 and Azure under the same keys, deletes emptied ones there, and records the deliveries", async () => {
    // The user's events share a consumer batch (so files) with the test device's, then fill one of their own. Two
    // requests posted together land in one batch; should the queue split them, the pair is posted again.
    const erased = { user: "user-to-erase", device: "speaker-to-erase" };
    const seeded = seedEvents().length;
    let exported = (await todaysManifest()).events;
    for (let pair = 0; pair < 3 && !(await someFileHoldsBoth(erased.user)); pair++) {
      await Promise.all([postAs(erased, 4), collector.postSeedEvents(TENANT)]);
      exported += 4 + seeded;
      await waitFor(async () => (await todaysManifest()).events === exported, "both posts are exported");
    }
    await postAs({ ...erased, device: "second-speaker" }, 3);
    await waitFor(async () => (await todaysManifest()).events === exported + 3, "every post is exported");
    await waitFor(allDelivered, "every file is delivered to both destinations");
    const [atS3, atAzure] = [await linesAt(s3Objects), await linesAt(azureObjects)];
    const holding = [...atS3.keys()].filter((key) => atS3.get(key)!.some((line) => userOf(line) === erased.user));
    const emptied = holding.filter((key) => atS3.get(key)!.every((line) => userOf(line) === erased.user));
    const userLines = [...atS3.values()].flat().filter((line) => userOf(line) === erased.user).length;
    expect(emptied.length).toBeGreaterThan(0);
    expect(holding.length).toBeGreaterThan(emptied.length);

    const requested = Date.now();
    const status = await runErasureOf(erased.user);
    expect(status.counts).toMatchObject({
      files_holding_user: holding.length,
      files_deleted: emptied.length,
      lines_removed: userLines,
      // Each file holding the user, at each of the two destinations.
      destination_objects_replaced: 2 * holding.length,
    });
    const redelivered = async () =>
      (await todaysManifest()).deliveries.filter((entry) => holding.includes(relative(entry.key)));
    await waitFor(
      async () =>
        (await redelivered()).every(
          (entry) => entry.state === "delivered" && Date.parse(entry.delivered_at ?? "") >= requested,
        ),
      "every file holding the user is delivered again",
    );

    // The same keys, with the bytes the pull API now serves: no line of the user, every other line as it was.
    expect(await linesAt(s3Objects)).toEqual(withoutUser(atS3, erased.user));
    expect(await linesAt(azureObjects)).toEqual(withoutUser(atAzure, erased.user));
    const files = await committedFiles();
    for (const key of emptied) expect(files.map(relative)).not.toContain(key);
    for (const key of files.filter((file) => holding.includes(relative(file)))) {
      const original = Buffer.from(await exportBytes(key));
      expect(Buffer.from((await s3.get("landing", `audiogum/${relative(key)}`)).bytes).equals(original)).toBe(true);
      expect(Buffer.from((await azure.get("landing", `exports/${relative(key)}`)).bytes).equals(original)).toBe(true);
    }
    // The delivery state says so, for every destination of every such file.
    expect(await redelivered()).toHaveLength(2 * holding.length);
  }, 240_000);
});
