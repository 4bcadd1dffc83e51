/**
 * The message of the delivery queue: one export file to one destination. Small and versioned like the events
 * queue's messages; everything else (bytes, settings, secret) is read fresh when it is delivered.
 * @module
 */
import { z } from "zod";
import { inChunks } from "../core/foundation/in-chunks.js";
import { type LogMessage, logError } from "../core/foundation/log.js";

export const DELIVERY_MESSAGE_VERSION = 1;

export const deliveryMessageSchema = z.object({
  v: z.literal(DELIVERY_MESSAGE_VERSION),
  file: z.string().min(1),
  destination: z.string().min(1),
});
export type DeliveryTask = { file: string; destination: string };

export function deliveryMessageBody(task: DeliveryTask): string {
  return JSON.stringify({ v: DELIVERY_MESSAGE_VERSION, file: task.file, destination: task.destination });
}

export function parseDeliveryMessage(body: unknown): DeliveryTask {
  if (typeof body !== "string") throw new Error("delivery message body is not text");
  const { file, destination } = deliveryMessageSchema.parse(JSON.parse(body));
  return { file, destination };
}

/**
 * The task a message carries; a body that can never parse is logged as `msg` and acked (retrying it would only
 * dead-letter it later), and the caller gets undefined.
 */
export function taskOrAck(message: Message<unknown>, queue: string, msg: LogMessage): DeliveryTask | undefined {
  try {
    return parseDeliveryMessage(message.body);
  } catch (error) {
    logError(msg, { queue, step: "parse", message_id: message.id }, error);
    message.ack();
    return undefined;
  }
}

/** sendBatch takes at most 100 messages per call. */
const MESSAGES_PER_SEND = 100;

export async function enqueueDeliveries(queue: Queue, tasks: readonly DeliveryTask[]): Promise<void> {
  for (const chunk of inChunks(tasks, MESSAGES_PER_SEND)) {
    await queue.sendBatch(chunk.map((task) => ({ body: deliveryMessageBody(task) })));
  }
}
