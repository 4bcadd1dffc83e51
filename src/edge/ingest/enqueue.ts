/**
 * Puts accepted events (their export lines) on the events queue, packed many to a message, with the request's
 * report (if any) on one of them (src/core/events/request-report.ts). With several queue partitions
 * (event-queues.ts) each line goes to its partition's queue, all partitions sent in parallel. A failed send
 * rejects the request with 503: the response never counts as accepted an event that did not reach the queue.
 * @module
 */
import {
  carriesReport,
  groupIntoSendBatches,
  packEventMessages,
  packPartitionedMessages,
} from "../../core/events/queue-message.js";
import type { RequestReport } from "../../core/events/request-report.js";
import { queueUnavailable } from "./event-queues.js";

export interface EnqueueResult {
  messages: number;
  sendBatches: number;
  /** How many partitions' queues were sent to. */
  partitions: number;
}

/**
 * Sends the lines to `queues` (indexed by partition), every partition at once; `partitionOfLine[i]` is line i's
 * partition, and is undefined with one partition. `onReportQueued` runs once the message carrying the report is
 * queued, even when another send fails: the request's usage and rejections are then counted, and must not be
 * kept to be sent again.
 */
export async function enqueueEvents(
  queues: readonly Queue[],
  tenant: string,
  lines: readonly string[],
  partitionOfLine: readonly number[] | undefined,
  report?: RequestReport,
  onReportQueued: () => void = () => {},
): Promise<EnqueueResult> {
  const byPartition =
    partitionOfLine === undefined
      ? new Map([[0, packEventMessages(tenant, lines, report)]])
      : packPartitionedMessages(tenant, lines, partitionOfLine, report);
  const sends = [...byPartition].flatMap(([partition, messages]) =>
    groupIntoSendBatches(messages).map((batch) => ({ queue: queues[partition]!, batch })),
  );
  // If any call fails the request fails; the device's retry carries the same event ids, so the copies that did
  // reach a queue are dropped by the export's dedupe. Every send is waited for, so that whether the report was
  // queued is known before the request is answered.
  const outcomes = await Promise.allSettled(
    sends.map(async ({ queue, batch }) => {
      await queue.sendBatch(batch.map((body) => ({ body, contentType: "text" as const })));
      if (report && batch.some((message) => carriesReport(tenant, message))) onReportQueued();
    }),
  );
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw queueUnavailable(failed.reason);
  let messages = 0;
  for (const partitionMessages of byPartition.values()) messages += partitionMessages.length;
  return { messages, sendBatches: sends.length, partitions: byPartition.size };
}
