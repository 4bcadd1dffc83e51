/**
 * The one way workerd tests call the Worker: its real handlers (fetch, queue, scheduled, from src/index.ts) with
 * the real bindings of vitest.config.ts, any of which a test may swap for a stand-in. A fetch returns once the
 * work the request left behind (ctx.waitUntil) is done, so what a test reads next is settled.
 * @module
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import worker from "../../src/index.js";

export const COLLECTOR_ORIGIN = "https://collector.test";

/** A request to the collector for `path` (with its query, already encoded). */
export function collectorRequest(path: string, init: RequestInit<CfProperties> = {}): Request {
  return new Request(`${COLLECTOR_ORIGIN}${path}`, init);
}

/** The Worker's answer to `request` (a path is a GET of it) once its waitUntil work is done. */
export async function callWorker(request: Request | string, overrides: Partial<Env> = {}): Promise<Response> {
  const { response, settled } = await callWorkerUnsettled(request, overrides);
  await settled();
  return response;
}

/** The Worker's answer as soon as it is given; `settled()` waits for the work it left behind. */
export async function callWorkerUnsettled(
  request: Request | string,
  overrides: Partial<Env> = {},
): Promise<{ response: Response; settled(): Promise<void> }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    typeof request === "string" ? collectorRequest(request) : request,
    { ...env, ...overrides },
    ctx,
  );
  return { response, settled: () => waitOnExecutionContext(ctx) };
}

/** A queue message as the queue hands it to the consumer. */
export interface QueuedMessage {
  id: string;
  timestamp: Date;
  attempts: number;
  body: string;
}

/** What getQueueResult reports (its type is missing from the workers-types entry point this project uses). */
export interface QueueResult {
  ackAll: boolean;
  retryBatch: { retry: boolean };
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

/** One batch of `messages` from `queue` through the queue handler; how the handler settled them. */
export async function deliverBatch(
  queue: string,
  messages: readonly QueuedMessage[],
  overrides: Partial<Env> = {},
): Promise<QueueResult> {
  const batch = createMessageBatch<string>(queue, [...messages]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...overrides });
  return getQueueResult(batch, ctx);
}

/** The queue handler with a batch the test built itself, so its own ack and retry see every call. */
export function runQueueHandler(batch: MessageBatch<string>, overrides: Partial<Env> = {}): Promise<void> {
  return worker.queue(batch, { ...env, ...overrides });
}

/** The cron handler, as if the trigger fired at `scheduledTime`. */
export function runCron(scheduledTime: number, cron = "17 * * * *"): Promise<void> {
  return worker.scheduled(createScheduledController({ scheduledTime, cron }), env);
}
