/**
 * Delivers queue messages to the Worker's queue() handler as the queue would: a batch, then every retried
 * message again (attempts + 1) until all are acked. Bindings may be swapped for faulty stand-ins per delivery.
 * @module
 */
import { expect } from "vitest";
import { deliverBatch, type QueuedMessage } from "./worker.js";

export const EVENTS_QUEUE = "audiogum-events";

export interface Delivery {
  acked: QueuedMessage[];
  retried: QueuedMessage[];
}

export function asQueuedMessages(bodies: readonly string[]): QueuedMessage[] {
  return bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body }));
}

/** One delivery; asserts that the handler settled every message explicitly. */
export async function deliver(
  messages: readonly QueuedMessage[],
  bindings: Partial<Env> = {},
  queue = EVENTS_QUEUE,
): Promise<Delivery> {
  const result = await deliverBatch(queue, messages, bindings);
  expect(result.ackAll).toBe(false);
  expect(result.retryBatch.retry).toBe(false);
  const acked = messages.filter((message) => result.explicitAcks.includes(message.id));
  const retried = messages.filter((message) => result.retryMessages.some((retry) => retry.msgId === message.id));
  expect(acked.length + retried.length).toBe(messages.length);
  return { acked, retried };
}

/**
 * Delivers, then redelivers what was retried (attempts + 1) until every message is acked; returns how many
 * deliveries it took. `bindingsFor(n)` may swap bindings for delivery n (1 is the first).
 */
export async function deliverUntilAcked(
  messages: readonly QueuedMessage[],
  bindingsFor: (delivery: number) => Partial<Env> = () => ({}),
): Promise<number> {
  let pending = [...messages];
  let delivery = 0;
  while (pending.length > 0) {
    delivery++;
    expect(delivery, "messages still retried after 5 deliveries").toBeLessThanOrEqual(5);
    pending = (await deliver(pending, bindingsFor(delivery))).retried.map((message) => ({
      ...message,
      attempts: message.attempts + 1,
    }));
  }
  return delivery;
}
