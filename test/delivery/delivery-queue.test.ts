/**
 * The delivery pipeline inside workerd, with the customer's storage played by a stubbed fetch: a committed file
 * gets a pending row and a message per destination; the consumer uploads it byte for byte under the Omny
 * convention, retries with a growing delay and a clear log line on failure, and the dead-letter consumer marks
 * it failed. The same path against real S3 and Azure servers is in test/node/delivery-end-to-end.test.ts.
 * @module
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { sealSecret } from "../../src/core/delivery/secret-box.js";
import { parseDestinationKey } from "../../src/core/foundation/config.js";
import { sweepDeliveries } from "../../src/delivery/sweep-deliveries.js";
import { deliveryMessageBody } from "../../src/delivery/delivery-message.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { committedKeys } from "../support/export-objects.js";
import { storeExportFile } from "../support/export-files.js";
import { uniqueTenant } from "../support/tenants.js";
import {
  addDestination,
  changeStoredSettings,
  deliveryRow,
  S3_SECRET,
  storageAnswers,
  deliveryTasks,
} from "../support/destinations.js";
import { recordingQueue } from "../support/recording-queue.js";

const DELIVERY_QUEUE = "audiogum-deliveries";
const DELIVERY_DLQ = "audiogum-deliveries-dlq";

afterEach(() => vi.restoreAllMocks());

const s3Error = (status: number, code: string, message: string) => () =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    { status },
  );

describe("after an export file commits", () => {
  it("each destination of the tenant gets a pending row and one delivery message", async () => {
    const sender = senderFor(uniqueTenant("hook"));
    const first = await addDestination(sender.tenant);
    const second = await addDestination(sender.tenant, {
      kind: "azure",
      name: "blob",
      containerUrl: "https://acct.blob.core.windows.net/c",
      auth: "sas",
      sasToken: "sv=1&sig=x",
    });
    const sent = recordingQueue({ forwardTo: null });
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())), { DELIVERIES: sent.queue });

    const [file] = await committedKeys(sender.tenant);
    expect(deliveryTasks(sent.bodies()).sort((a, b) => a.destination.localeCompare(b.destination))).toEqual(
      [first, second].sort().map((destination) => ({ file, destination })),
    );
    expect(await deliveryRow(file!, first)).toMatchObject({ state: "pending", attempts: 0 });
  });

  it("stays committed when the delivery queue fails, and the cron sends what was missed", async () => {
    const sender = senderFor(uniqueTenant("hook-fail"));
    const destination = await addDestination(sender.tenant);
    const delivery = await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())), {
      DELIVERIES: recordingQueue({ forwardTo: null, fail: true }).queue,
    });
    expect(delivery.retried).toEqual([]);
    const [file] = await committedKeys(sender.tenant);
    expect(await deliveryRow(file!, destination)).toMatchObject({ state: "pending" });

    // Two hours without an attempt (the longest retry delay is one): the message is taken as lost.
    const sent = recordingQueue({ forwardTo: null });
    await sweepDeliveries({ ...env, DELIVERIES: sent.queue }, Date.now() + 2 * 3600_000 + 60_000);
    expect(deliveryTasks(sent.bodies())).toContainEqual({ file, destination });
  });

  it("the cron writes the row the hook never wrote (the Worker died right after the commit)", async () => {
    const tenant = uniqueTenant("sweep");
    const destination = await addDestination(tenant);
    const committedAt = new Date(Date.now() + 60_000);
    const file = await storeExportFile(tenant, { writtenAt: committedAt });
    const sent = recordingQueue({ forwardTo: null });
    await sweepDeliveries({ ...env, DELIVERIES: sent.queue }, committedAt.getTime() + 10 * 60_000);
    expect(deliveryTasks(sent.bodies())).toContainEqual({ file: file.key, destination });
    expect(await deliveryRow(file.key, destination)).toMatchObject({ state: "pending" });

    const again = recordingQueue({ forwardTo: null });
    await sweepDeliveries({ ...env, DELIVERIES: again.queue }, committedAt.getTime() + 11 * 60_000);
    expect(deliveryTasks(again.bodies())).not.toContainEqual({ file: file.key, destination });
  });
});

async function pendingDelivery(label: string) {
  const tenant = uniqueTenant(label);
  const destination = await addDestination(tenant);
  const file = await storeExportFile(tenant, { writtenAt: new Date() });
  await env.DB.prepare(
    "INSERT INTO deliveries (file_key, destination_id, tenant, state, updated_at) VALUES (?1, ?2, ?3, 'pending', 0)",
  )
    .bind(file.key, destination, tenant)
    .run();
  return {
    tenant,
    destination,
    file,
    message: asQueuedMessages([deliveryMessageBody({ file: file.key, destination })]),
  };
}

describe("the delivery consumer", () => {
  it("PUTs the file's bytes under the destination prefix and the tenant-relative key, as application/gzip", async () => {
    const { tenant, destination, file, message } = await pendingDelivery("put");
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    const outcome = await deliver(message, {}, DELIVERY_QUEUE);

    expect(outcome.acked).toHaveLength(1);
    const [request] = storage.requests;
    expect(request!.method).toBe("PUT");
    expect(request!.url).toBe(`https://s3.customer.test/customer-bucket/audiogum/${file.key.slice(tenant.length + 1)}`);
    expect(request!.headers.get("content-type")).toBe("application/gzip");
    expect(request!.headers.get("authorization")).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request/,
    );
    const r2 = await env.EXPORTS.get(file.key);
    expect(new Uint8Array(await request!.arrayBuffer())).toEqual(new Uint8Array(await r2!.arrayBuffer()));
    expect(await deliveryRow(file.key, destination)).toMatchObject({
      state: "delivered",
      attempts: 1,
      last_error: null,
    });
  });

  it("retries a refused upload, records the storage's reason, and logs it without the secret", async () => {
    const { destination, file, message } = await pendingDelivery("refused");
    storageAnswers(
      s3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
    );
    const warnings = vi.spyOn(console, "warn");
    const first = await deliver(message, {}, DELIVERY_QUEUE);
    expect(first.retried).toHaveLength(1);
    const row = await deliveryRow(file.key, destination);
    expect(row).toMatchObject({ state: "pending", attempts: 1 });
    expect(row!.last_error).toMatch(/access key or secret is wrong.*\(InvalidAccessKeyId, HTTP 403/);

    const logged = warnings.mock.calls.map((call) => String(call[0])).find((line) => line.includes('"delivery_error"'));
    expect(JSON.parse(logged!)).toMatchObject({
      msg: "delivery_error",
      reason: "credentials",
      storage_code: "InvalidAccessKeyId",
      status: 403,
    });
    expect(logged).not.toContain(S3_SECRET);
  });

  it("acks without uploading when the row is already delivered (a duplicate message)", async () => {
    const { destination, file, message } = await pendingDelivery("duplicate");
    await env.DB.prepare("UPDATE deliveries SET state = 'delivered' WHERE file_key = ?1 AND destination_id = ?2")
      .bind(file.key, destination)
      .run();
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    expect((await deliver(message, {}, DELIVERY_QUEUE)).acked).toHaveLength(1);
    expect(storage.requests).toEqual([]);
  });
});

describe("the delivery consumer, before any request", () => {
  async function attemptAfterChange(label: string, change: Record<string, unknown>) {
    const { destination, file, message } = await pendingDelivery(label);
    await changeStoredSettings(destination, change);
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    const warnings = vi.spyOn(console, "warn");
    const outcome = await deliver(message, {}, DELIVERY_QUEUE);
    const logged = warnings.mock.calls.map((call) => String(call[0])).find((line) => line.includes('"delivery_error"'));
    return { outcome, storage, logged: logged ?? "", row: await deliveryRow(file.key, destination) };
  }

  it("refuses a destination whose row was changed in D1 to an unsafe endpoint, and retries", async () => {
    const { outcome, storage, logged, row } = await attemptAfterChange("unsafe", { endpoint: "http://10.0.0.7" });
    expect(storage.requests).toEqual([]);
    expect(outcome.retried).toHaveLength(1);
    expect(row).toMatchObject({ state: "pending", attempts: 1 });
    expect(row!.last_error).toMatch(/^endpoint: http is refused; destinations use https/);
    expect(JSON.parse(logged)).toMatchObject({
      msg: "delivery_error",
      step: "destination",
      reason: "invalid_destination",
      fields: "endpoint",
    });
    // Log lines name no address.
    expect(logged).not.toContain("10.0.0.7");
  });

  it.each([
    ["endpoint", { endpoint: "https://collector-of-secrets.example" }],
    ["bucket", { bucket: "someone-elses-bucket" }],
  ])("does not open the secret once the row's %s was changed, and says so", async (_, change) => {
    const { outcome, storage, logged, row } = await attemptAfterChange(`moved-${_}`, change);
    expect(storage.requests).toEqual([]);
    expect(outcome.retried).toHaveLength(1);
    expect(row!.last_error).toMatch(/^secret: the sealed secret does not open for this destination's endpoint/);
    expect(JSON.parse(logged)).toMatchObject({ step: "destination", reason: "invalid_destination", fields: "secret" });
  });

  it("opens a secret sealed before it was bound to the endpoint, delivers, and reseals it with the binding", async () => {
    const { destination, file, message } = await pendingDelivery("legacy");
    const legacy = await sealSecret(parseDestinationKey(env.DESTINATION_KEY)!, S3_SECRET, destination);
    await env.DB.prepare("UPDATE destinations SET sealed_secret = ?2 WHERE id = ?1").bind(destination, legacy).run();
    const storage = storageAnswers(() => new Response(null, { status: 200 }));
    expect((await deliver(message, {}, DELIVERY_QUEUE)).acked).toHaveLength(1);
    expect(storage.requests).toHaveLength(1);
    expect(await deliveryRow(file.key, destination)).toMatchObject({ state: "delivered" });
    const row = await env.DB.prepare("SELECT sealed_secret FROM destinations WHERE id = ?1")
      .bind(destination)
      .first<{ sealed_secret: string }>();
    expect(row!.sealed_secret).toMatch(/^v1:/);

    // Resealed, it is bound: moving the row elsewhere now fails to open.
    await changeStoredSettings(destination, { endpoint: "https://collector-of-secrets.example" });
    await env.DB.prepare("UPDATE deliveries SET state = 'pending' WHERE destination_id = ?1").bind(destination).run();
    expect((await deliver(message, {}, DELIVERY_QUEUE)).retried).toHaveLength(1);
    expect(storage.requests).toHaveLength(1);
  });
});

describe("the delivery dead-letter consumer", () => {
  it("marks the delivery failed and keeps its last error", async () => {
    const tenant = uniqueTenant("dlq");
    const destination = await addDestination(tenant);
    const file = await storeExportFile(tenant, { writtenAt: new Date() });
    await env.DB.prepare(
      "INSERT INTO deliveries (file_key, destination_id, tenant, state, attempts, last_error, updated_at) VALUES (?1, ?2, ?3, 'pending', 100, 'the bucket or container does not exist (NoSuchBucket, HTTP 404)', 0)",
    )
      .bind(file.key, destination, tenant)
      .run();
    const outcome = await deliver(
      asQueuedMessages([deliveryMessageBody({ file: file.key, destination })]),
      {},
      DELIVERY_DLQ,
    );
    expect(outcome.acked).toHaveLength(1);
    expect(await deliveryRow(file.key, destination)).toMatchObject({
      state: "failed",
      last_error: "the bucket or container does not exist (NoSuchBucket, HTTP 404)",
    });
  });
});
