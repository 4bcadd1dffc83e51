/**
 * Keeps a dead message in R2 exactly as the queue delivered it, at _deadletter/{yyyy-mm-dd}/{message id}.json,
 * and logs one `deadletter` line: nothing given to the queue is ever dropped. The day is the message's
 * timestamp, not today, so a retried write lands on the same key instead of making a second copy.
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

export async function keepDeadLetter(bucket: R2Bucket, deadLetter: DeadLetter): Promise<void> {
  const { message, queue, reason } = deadLetter;
  const key = deadLetterKey(message.timestamp, message.id);
  const body = verbatimBody(message.body);
  await bucket.put(key, body.bytes, {
    httpMetadata: { contentType: body.contentType },
    customMetadata: {
      queue,
      attempts: String(message.attempts),
      timestamp: message.timestamp.toISOString(),
      reason,
      body_type: body.type,
    },
  });
  logWarn("deadletter", {
    queue,
    key,
    message_id: message.id,
    attempts: message.attempts,
    reason,
    body_type: body.type,
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
