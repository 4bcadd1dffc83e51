// Delivers queue messages to the Worker's queue() handler as the queue would: a batch, then every retried
// message again (attempts + 1) until all are acked. Bindings may be swapped for faulty stand-ins per delivery.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../../../src/index.js";

export const EVENTS_QUEUE = "audiogum-events";

export interface QueuedMessage {
  id: string;
  timestamp: Date;
  attempts: number;
  body: string;
}

/** What getQueueResult reports (its type is missing from the workers-types entry point this project uses). */
interface QueueResult {
  ackAll: boolean;
  retryBatch: { retry: boolean };
  explicitAcks: string[];
  retryMessages: { msgId: string; delaySeconds?: number }[];
}

export interface Delivery {
  acked: QueuedMessage[];
  retried: QueuedMessage[];
  retryDelays: number[];
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
  const batch = createMessageBatch<string>(queue, [...messages]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...bindings });
  const result: QueueResult = await getQueueResult(batch, ctx);
  expect(result.ackAll).toBe(false);
  expect(result.retryBatch.retry).toBe(false);
  const acked = messages.filter((message) => result.explicitAcks.includes(message.id));
  const retried = messages.filter((message) => result.retryMessages.some((retry) => retry.msgId === message.id));
  expect(acked.length + retried.length).toBe(messages.length);
  return { acked, retried, retryDelays: result.retryMessages.map((retry) => retry.delaySeconds ?? 0) };
}

/** Delivers, then redelivers what was retried with the real bindings, until every message is acked. */
export async function deliverUntilAcked(messages: readonly QueuedMessage[], firstBindings: Partial<Env> = {}): Promise<number> {
  let pending = (await deliver(messages, firstBindings)).retried;
  let deliveries = 1;
  while (pending.length > 0) {
    expect(deliveries, "messages still retried after 5 deliveries").toBeLessThan(5);
    pending = (await deliver(pending.map((message) => ({ ...message, attempts: message.attempts + 1 })))).retried;
    deliveries++;
  }
  return deliveries;
}
