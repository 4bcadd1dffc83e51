/**
 * A wrapper of the real EVENTS queue that records every message body the edge sends, or fails on demand.
 * @module
 */
import { env } from "cloudflare:test";

export interface RecordingQueue {
  queue: Queue;
  /** One entry per sendBatch call: the message bodies it carried. */
  sendBatches: string[][];
  /** Every event that reached the queue, parsed from the message bodies. */
  events(): Record<string, unknown>[];
}

export function recordingQueue(options: { failSendBatch?: boolean } = {}): RecordingQueue {
  const sendBatches: string[][] = [];
  const queue = {
    send: (body: unknown, sendOptions?: QueueSendOptions) => env.EVENTS.send(body, sendOptions),
    async sendBatch(messages: Iterable<MessageSendRequest>, sendOptions?: QueueSendBatchOptions) {
      if (options.failSendBatch) throw new Error("simulated queue outage");
      const list = [...messages];
      sendBatches.push(list.map((message) => message.body as string));
      return env.EVENTS.sendBatch(list, sendOptions);
    },
  } as Queue;
  return {
    queue,
    sendBatches,
    events: () =>
      sendBatches.flat().flatMap((body) => (JSON.parse(body) as { events: Record<string, unknown>[] }).events),
  };
}
