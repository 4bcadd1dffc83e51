/**
 * Puts accepted events (their export lines) on the EVENTS queue, packed many to a message, with the request's
 * report (if any) on one of them (src/core/events/request-report.ts). A failed send rejects the request with 503:
 * the response never counts as accepted an event that did not reach the queue.
 * @module
 */
import { CollectorError } from "../../core/foundation/errors.js";
import { groupIntoSendBatches, packEventMessages } from "../../core/events/queue-message.js";
import type { RequestReport } from "../../core/events/request-report.js";

export interface EnqueueResult {
  messages: number;
  sendBatches: number;
}

export async function enqueueEvents(
  queue: Queue,
  tenant: string,
  lines: readonly string[],
  report?: RequestReport,
): Promise<EnqueueResult> {
  const messages = packEventMessages(tenant, lines, report);
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
