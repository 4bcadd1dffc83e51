/**
 * Target 4: the largest request the edge accepts (2,000 events, 4 MiB decoded) against the 128 MB isolate.
 * In workerd: the bench Worker keeps every stage of the core path alive at once (body text, parsed value,
 * validated events, enriched events, queue messages) and the isolate's heap is read over the inspector before
 * and while holding: the live set at the request's peak plus uncollected garbage, so an upper bound. In Node:
 * the same path with process.memoryUsage(), as a cross-check.
 * @module
 */
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { coreStages } from "../core/core-paths.js";
import { startBenchWorker } from "../runtime/bench-worker.js";
import { freePort } from "../runtime/free-port.js";
import { InspectorSession } from "../runtime/inspector.js";
import { largestBody, utf8Bytes } from "../workload.js";

export const ISOLATE_LIMIT_BYTES = 128 * 1024 * 1024;

export interface MemoryResult {
  bodyBytes: number;
  events: number;
  workerdBaselineBytes: number;
  workerdHeldBytes: number;
  workerdDeltaBytes: number;
  nodeDeltaBytes: number;
}

async function workerdHeap(body: string): Promise<{ baseline: number; held: number }> {
  const inspectorPort = await freePort();
  const worker = await startBenchWorker("bench/workers/core-bench.ts", { inspectorPort });
  let session: InspectorSession | undefined;
  try {
    // Warm the path with a small request so compiled code and caches are in the baseline, not the delta.
    await (await fetch(new URL("/core?variant=project&passes=1", worker.url), { method: "POST" })).text();
    session = await InspectorSession.connect(inspectorPort, "core");
    const baseline = await session.heap();
    const response = await fetch(new URL("/hold", worker.url), { method: "POST", body });
    if (!response.ok) throw new Error(`the 4 MiB body was not handled: ${await response.text()}`);
    const held = await session.heap();
    await fetch(new URL("/release", worker.url), { method: "POST" });
    return { baseline: baseline.usedBytes, held: held.usedBytes };
  } finally {
    session?.close();
    await worker.dispose();
  }
}

async function nodeDelta(body: string): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const before = process.memoryUsage().heapUsed;
  const stages = await coreStages(body);
  gc();
  const after = process.memoryUsage().heapUsed;
  // Keep every stage reachable until after the measurement.
  if (stages.messages.length === 0) throw new Error("the core path queued nothing");
  return after - before;
}

export async function runMemory(): Promise<MemoryResult> {
  const { body, events } = largestBody(DEFAULT_LIMITS.maxDecodedBytes);
  const heap = await workerdHeap(body);
  return {
    bodyBytes: utf8Bytes(body),
    events,
    workerdBaselineBytes: heap.baseline,
    workerdHeldBytes: heap.held,
    workerdDeltaBytes: heap.held - heap.baseline,
    nodeDeltaBytes: await nodeDelta(body),
  };
}
