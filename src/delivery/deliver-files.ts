/**
 * The consumer of the delivery queue: each message uploads one committed export file, byte for byte from R2, to
 * one destination under the same relative key, and records the outcome in D1. A failure is retried with a
 * growing delay (core/foundation/retry-backoff.ts); after max_retries the queue moves the message to the dead-letter queue,
 * whose consumer marks the row failed (fail-deliveries.ts). Every message is settled explicitly.
 * @module
 */
import { contentTypeOfStoredKey } from "../core/exports/export-key.js";
import { parseDestinationKey, readConfig } from "../core/foundation/config.js";
import { retryDelaySeconds } from "../core/foundation/retry-backoff.js";
import { CollectorError } from "../core/foundation/errors.js";
import { describeCause, type LogFields, logError, logInfo, logWarn } from "../core/foundation/log.js";
import { countDeliveries, type DeliveredFile } from "./count-deliveries.js";
import { findDeliveryWork, markDelivered, recordFailedAttempt } from "./delivery-ledger.js";
import { type DeliveryTask, taskOrAck } from "./delivery-message.js";
import { findDestinationById, resolveDestination } from "./destination-store.js";
import { destinationObjectKey } from "./object-key.js";
import { r2Source } from "./object-source.js";
import { StorageFailure } from "./storage-failure.js";
import { uploaderFor } from "./destination-uploader.js";

export type DeliveryBindings = Pick<Env, "EXPORTS" | "DB" | "DESTINATION_KEY"> & Parameters<typeof readConfig>[0];

/** An ack says which file it delivered, if it put one (for the tenant's usage, count-deliveries.ts). */
type Outcome = { settle: "ack"; delivered?: DeliveredFile } | { settle: "retry"; error: string };

export async function deliverFiles(batch: MessageBatch<unknown>, env: DeliveryBindings): Promise<void> {
  const backoff = readConfig(env).delivery.retry;
  const delivered: DeliveredFile[] = [];
  await Promise.all(
    batch.messages.map(async (message) => {
      const task = taskOrAck(message, batch.queue, "delivery_error");
      if (!task) return;
      const outcome = await deliverOne(task, env, message.attempts).catch((error: unknown): Outcome => {
        logError("delivery_error", { file: task.file, destination_id: task.destination, step: "unexpected" }, error);
        return { settle: "retry", error: "unexpected error" };
      });
      if (outcome.settle === "ack") {
        message.ack();
        if (outcome.delivered) delivered.push(outcome.delivered);
      } else message.retry({ delaySeconds: retryDelaySeconds(message.attempts, backoff) });
    }),
  );
  await countDeliveries(env.DB, delivered, new Date());
}

async function deliverOne(task: DeliveryTask, env: DeliveryBindings, attempt: number): Promise<Outcome> {
  const config = readConfig(env).delivery;
  const key = parseDestinationKey(env.DESTINATION_KEY);
  if (!key) {
    logError("delivery_error", { file: task.file, step: "config", error_message: "DESTINATION_KEY is not set" });
    return { settle: "retry", error: "DESTINATION_KEY is not set" };
  }
  const work = await findDeliveryWork(env.DB, task);
  // Destination removed, file purged, or already delivered (a duplicate message): nothing left to do.
  if (work?.state !== "pending") return { settle: "ack" };
  const stored = await findDestinationById(env.DB, task.destination);
  if (!stored) return { settle: "ack" };

  const fields = {
    tenant: work.tenant,
    destination: stored.name,
    kind: stored.settings.kind,
    file: task.file,
    attempt,
  };
  const started = Date.now();
  let objectKey: string;
  try {
    // Checked again on every attempt, before any request: the row may have changed since it was added.
    const destination = await resolveDestination(env.DB, stored, key, { allowLoopback: config.allowLoopbackEndpoints });
    const uploader = uploaderFor(destination);
    objectKey = destinationObjectKey(task.file, work.tenant, uploader.prefix);
    // A file an erasure emptied is deleted at the destination too (docs/privacy.md).
    if (work.erased) await uploader.delete(objectKey);
    else
      await uploader.put(
        objectKey,
        r2Source(env.EXPORTS, task.file, work.bytes, contentTypeOfStoredKey(task.file)),
        config,
      );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logWarn("delivery_error", { ...fields, ...failureFields(error) });
    await recordFailedAttempt(env.DB, task, message.slice(0, 500), Date.now());
    return { settle: "retry", error: message };
  }
  await markDelivered(env.DB, task, Date.now());
  logInfo("delivery", { ...fields, key: objectKey, bytes: work.bytes, duration_ms: Date.now() - started });
  return { settle: "ack", ...(work.erased ? {} : { delivered: { tenant: work.tenant, bytes: work.bytes } }) };
}

/** What the log line says about a failed attempt: the storage's answer, or which setting made it refuse to send. */
function failureFields(error: unknown): LogFields {
  if (error instanceof StorageFailure) {
    const answer = { reason: error.reason, storage_code: error.storageCode, status: error.status };
    return { step: "upload", ...answer, ...describeCause(error) };
  }
  if (error instanceof CollectorError && error.code === "invalid_destination") {
    // The issue paths, not the message: it may name an address, and log lines carry none.
    const issues = (error.details?.issues ?? []) as Array<{ path: string }>;
    return { step: "destination", reason: "invalid_destination", fields: issues.map((issue) => issue.path).join(",") };
  }
  return { step: "upload", ...describeCause(error) };
}
