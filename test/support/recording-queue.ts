/**
 * A stand-in for a queue binding that records every message body sent to it: by default a wrapper of the real
 * EVENTS queue (the messages go on to it, so the real queue's limits still apply), or a plain recorder; it can
 * fail every send, as a queue outage does.
 * @module
 */
import { env } from "cloudflare:test";
import { eventQueueBinding } from "../../src/edge/ingest/event-queues.js";

export interface RecordingQueue {
  queue: Queue;
  /** One entry per send or sendBatch call: the message bodies it carried. */
  sendBatches: string[][];
  /** Every message body, in the order sent. */
  bodies(): string[];
  /** Every event in the bodies (messages of the events queue), as the edge serialised them. */
  events(): Record<string, unknown>[];
}

export interface RecordingOptions {
  /** The queue the messages then go to; null: only recorded. */
  forwardTo?: Queue | null;
  /** Every send fails, as in a queue outage. */
  fail?: boolean;
}

export function recordingQueue(options: RecordingOptions = {}): RecordingQueue {
  const forwardTo = options.forwardTo === undefined ? env.EVENTS : options.forwardTo;
  const sendBatches: string[][] = [];
  const queue = {
    async send(body: unknown, sendOptions?: QueueSendOptions) {
      if (options.fail) throw new Error("simulated queue outage");
      sendBatches.push([body as string]);
      return forwardTo?.send(body, sendOptions);
    },
    async sendBatch(messages: Iterable<MessageSendRequest>, sendOptions?: QueueSendBatchOptions) {
      if (options.fail) throw new Error("simulated queue outage");
      const list = [...messages];
      sendBatches.push(list.map((message) => message.body as string));
      return forwardTo?.sendBatch(list, sendOptions);
    },
  } as unknown as Queue;
  return {
    queue,
    sendBatches,
    bodies: () => sendBatches.flat(),
    events: () => eventsOf(sendBatches.flat()),
  };
}

/** The events inside events-queue message bodies, as the edge serialised them. */
export function eventsOf(bodies: readonly string[]): Record<string, unknown>[] {
  return bodies.flatMap((body) => (JSON.parse(body) as { events: Record<string, unknown>[] }).events);
}

/** Recording queues for every events queue partition, and the bindings that put them in place (EVENTS, EVENTS_k). */
export function recordingPartitions(
  partitions: number,
  optionsOf: (partition: number) => RecordingOptions = () => ({ forwardTo: null }),
): { recorders: RecordingQueue[]; bindings: Partial<Env> } {
  const recorders = Array.from({ length: partitions }, (_, partition) => recordingQueue(optionsOf(partition)));
  const bindings = Object.fromEntries(
    recorders.map((recorder, partition) => [eventQueueBinding(partition), recorder.queue]),
  );
  return { recorders, bindings: { ...bindings, EVENT_QUEUES: String(partitions) } as Partial<Env> };
}
