/**
 * Keeps a dead message exactly as the queue delivered it, at _deadletter/{yyyy-mm-dd}/{message id}.json in R2,
 * and logs one `deadletter` line: nothing given to the queue is ever dropped. The day is the message's
 * timestamp, not today, so a retried write lands on the same key instead of making a second copy. When R2
 * cannot take it, the same object is held in D1 (held-dead-letters.ts) until the cron can write it.
 * @module
 */
import { deadLetterKey } from "../core/exports/export-key.js";
import { logWarn } from "../core/foundation/log.js";

export interface DeadLetter {
  message: Message<unknown>;
  queue: string;
  /** Why it died: "poison" (the consumer cannot read it) or "retries_exhausted" (it reached the DLQ). */
  reason: string;
}

/** The R2 object a dead letter becomes, whether it is written now or held first. */
export interface DeadLetterObject {
  key: string;
  bytes: string | Uint8Array;
  contentType: string;
  metadata: Record<string, string>;
}

export async function keepDeadLetter(bucket: R2Bucket, deadLetter: DeadLetter): Promise<void> {
  const object = deadLetterObject(deadLetter);
  await storeDeadLetterObject(bucket, object);
  logDeadLetter(object, deadLetter.message.id);
}

export function deadLetterObject(deadLetter: DeadLetter): DeadLetterObject {
  const { message, queue, reason } = deadLetter;
  const body = verbatimBody(message.body);
  return {
    key: deadLetterKey(message.timestamp, message.id),
    bytes: body.bytes,
    contentType: body.contentType,
    metadata: {
      queue,
      attempts: String(message.attempts),
      timestamp: message.timestamp.toISOString(),
      reason,
      body_type: body.type,
    },
  };
}

export async function storeDeadLetterObject(bucket: R2Bucket, object: DeadLetterObject): Promise<void> {
  await bucket.put(object.key, object.bytes, {
    httpMetadata: { contentType: object.contentType },
    customMetadata: object.metadata,
  });
}

/** One `deadletter` line per dead letter, when its object is stored in R2 (now, or later by the cron). */
export function logDeadLetter(object: DeadLetterObject, messageId?: string): void {
  const { queue, attempts, reason, body_type } = object.metadata;
  logWarn("deadletter", {
    queue,
    key: object.key,
    message_id: messageId,
    attempts: Number(attempts),
    reason,
    body_type,
  });
}

interface VerbatimBody {
  bytes: string | Uint8Array;
  type: "text" | "bytes" | "json";
  contentType: string;
}

// The edge sends text, kept byte for byte. Bytes are kept as they are; anything else a producer might have sent
// (a structured-clone body) has no bytes of its own, so it is kept as its JSON.
function verbatimBody(body: unknown): VerbatimBody {
  if (typeof body === "string") return { bytes: body, type: "text", contentType: "text/plain; charset=utf-8" };
  if (body instanceof ArrayBuffer)
    return { bytes: new Uint8Array(body), type: "bytes", contentType: "application/octet-stream" };
  if (ArrayBuffer.isView(body)) {
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return { bytes, type: "bytes", contentType: "application/octet-stream" };
  }
  return { bytes: JSON.stringify(body) ?? "null", type: "json", contentType: "application/json" };
}
