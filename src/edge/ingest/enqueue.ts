/**
 * Puts accepted events (their export lines) on the EVENTS queue, packed many to a message. A failed send rejects the request with
 * 503: the response never counts as accepted an event that did not reach the queue.
 * @module
 */
import { CollectorError } from "../../core/foundation/errors.js";
import { groupIntoSendBatches, packEventMessages } from "../../core/events/queue-message.js";

export interface EnqueueResult {
  messages: number;
  sendBatches: number;
}

export async function enqueueEvents(queue: Queue, tenant: string, lines: readonly string[]): Promise<EnqueueResult> {
  const messages = packEventMessages(tenant, lines);
  const batches = groupIntoSendBatches(messages);
  try {
    // If any call fails the request fails; the device's retry carries the same event ids, so the copies that
    // did reach the queue are dropped by the export's dedupe.
    await Promise.all(
      batches.map((batch) => queue.sendBatch(batch.map((body) => ({ body, contentType: "text" as const })))),
    );
  } catch (error) {
    throw new CollectorError("queue_unavailable", "The events could not be queued; retry the same request later.", {
      cause: error,
    });
  }
  return { messages: messages.length, sendBatches: batches.length };
}
