/**
 * Issue 12: the isolate heap of a full consumer batch in workerd: 100 messages (the consumer's max_batch_size) of
 * up to QUEUE_LIMITS.maxMessageBytes (120,000 bytes) each, ~12 MB of events, all of one tenant so they make one
 * export file (the most a batch holds at once). workerd has no `performance.memory`, and its V8 inspector is served
 * only while the isolate is idle between events, so a heap read during the real consumer's batch never lands
 * inside it. bench/workers/consumer-batch.ts runs the consumer's own steps (decodeEventMessage of every message,
 * groupByShard, buildExportFile) one request each, holding what the consumer holds, and the live heap (after the
 * full collection of a heap snapshot) is read between them. What this cannot see is garbage and any value that
 * lives only inside one step (e.g. the export file's uncompressed text while it is gzipped); BENCHMARKS.md gives
 * Node's figure for the whole path under a heap limit beside it.
 * @module
 */
import { exportBatch } from "../../src/core/events/export-line.js";
import { packEventMessages } from "../../src/core/events/queue-message.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { benchContext } from "../core/core-paths.js";
import { startBenchWorker } from "../runtime/bench-worker.js";
import { freePort } from "../runtime/free-port.js";
import { InspectorSession } from "../runtime/inspector.js";
import { mixedEvents, utf8Bytes } from "../workload.js";

const TENANT = "bench-memory";
const MESSAGES = 100;

export interface ConsumerBatchMemoryResult {
  messages: number;
  messageBytes: number;
  events: number;
  /** The live heap before the batch, after a warm-up. */
  baselineBytes: number;
  /** The live heap after each step, holding every step's result so far. */
  heldAfter: StepHeap[];
  peakLiveBytes: number;
}

/** `count` messages as the edge packs them, each as close to the message limit as whole events allow. */
export function fullMessages(count: number): { messages: string[]; events: number } {
  const lines: string[] = [];
  const perRequest = 100;
  const events = mixedEvents(count * 150, perRequest, 21);
  for (let start = 0; start < events.length; start += perRequest) {
    const { valid } = validateEvents(events.slice(start, start + perRequest), DEFAULT_LIMITS);
    lines.push(...exportBatch(valid, { ...benchContext(), tenant: TENANT }).lines);
  }
  const messages = packEventMessages(TENANT, lines).slice(0, count);
  if (messages.length < count) throw new Error(`only ${messages.length} full messages from ${events.length} events`);
  const packed = messages.reduce((total, message) => total + (JSON.parse(message) as { events: [] }).events.length, 0);
  return { messages, events: packed };
}

/** A consumer step and the live heap while its result (and every earlier step's) is held. */
export interface StepHeap {
  step: string;
  liveBytes: number;
}

export async function runConsumerBatchMemory(): Promise<ConsumerBatchMemoryResult> {
  const { messages, events } = fullMessages(MESSAGES);
  const inspectorPort = await freePort();
  const worker = await startBenchWorker("bench/workers/consumer-batch.ts", { inspectorPort });
  let session: InspectorSession | undefined;
  try {
    const call = async (path: string, body?: string) => {
      const response = await fetch(new URL(path, worker.url), { method: "POST", body });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.text();
    };
    const steps = ["/group", "/file"];
    // Warm-up: two messages through every step, so compiled code is in the baseline.
    await call("/decode", JSON.stringify(fullMessages(2).messages));
    for (const step of steps) await call(step);
    await call("/release");
    session = await InspectorSession.connect(inspectorPort, "core");
    const baseline = await session.liveHeap();
    const heldAfter: StepHeap[] = [];
    await call("/decode", JSON.stringify(messages));
    heldAfter.push({ step: "decode", liveBytes: (await session.liveHeap()).usedBytes });
    for (const step of steps) {
      await call(step);
      heldAfter.push({ step: step.slice(1), liveBytes: (await session.liveHeap()).usedBytes });
    }
    await call("/release");
    return {
      messages: messages.length,
      messageBytes: messages.reduce((total, message) => total + utf8Bytes(message), 0) / messages.length,
      events,
      baselineBytes: baseline.usedBytes,
      heldAfter,
      peakLiveBytes: Math.max(...heldAfter.map((entry) => entry.liveBytes)),
    };
  } finally {
    session?.close();
    await worker.dispose();
  }
}
