/**
 * Part 5: the targets, each checked against figures of this run.
 * @module
 */
import type { ConsumerResult } from "./consumer/consumer-bench.js";
import type { CoreResult } from "./core/core-result.js";
import type { CostResult } from "./cost/cost-model.js";
import type { EdgeResult } from "./edge/edge-load.js";
import { ISOLATE_LIMIT_BYTES, type MemoryResult } from "./memory/memory-bench.js";

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export interface AllResults {
  nodeCore: CoreResult;
  workerdCore: CoreResult;
  edge: EdgeResult;
  consumer: ConsumerResult;
  memory: MemoryResult;
  cost: CostResult;
}

const x = (ratio: number) => `${ratio.toFixed(2)}x`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** "Well within" 128 MB: at most half of it. */
const MEMORY_SHARE_LIMIT = 0.5;

export function checkTargets(results: AllResults): TargetCheck[] {
  const { edge, workerdCore, nodeCore, memory, cost } = results;
  return [
    {
      target: `20-event request ≤ 1.5x GET /healthz, median latency, ${edge.settings.smallConnections} connections`,
      measured: `${x(edge.ownSmallOverHealthz)} stand-ins (${x(edge.smallOverHealthz)} emulators)`,
      pass: edge.ownSmallOverHealthz <= 1.5,
    },
    {
      target: "20-event request ≤ 1.5x GET /healthz, median latency, 1 connection",
      measured: `${x(edge.ownSmallOverHealthzOneConnection)} stand-ins (${x(edge.smallOverHealthzOneConnection)} emulators)`,
      pass: edge.ownSmallOverHealthzOneConnection <= 1.5,
    },
    {
      target: `2,000-event request ≤ 3x parse-and-re-serialise route, median latency, ${edge.settings.largeConnections} connections`,
      measured: `${x(edge.ownLargeOverEcho)} stand-ins (${x(edge.largeOverEcho)} emulators)`,
      pass: edge.ownLargeOverEcho <= 3,
    },
    {
      target: "Worker CPU per 20-event request < 1 ms (stand-ins, less a GET /healthz's)",
      measured: `p50 ${edge.ownCpuSmall.p50Ms.toFixed(2)} ms, p99 ${edge.ownCpuSmall.p99Ms.toFixed(2)} ms`,
      pass: edge.ownCpuSmall.p50Ms < 1,
    },
    {
      target: "validate+enrich ≤ 3x JSON round trip, workerd",
      measured: `${x(workerdCore.projectOverJson)} (zod only ${x(workerdCore.projectZodOverJson)}; validation ${x(workerdCore.validateOverJson)}, ajv ${x(workerdCore.ajvOverJson)})`,
      pass: workerdCore.projectOverJson <= 3,
    },
    {
      target: "validate+enrich ≤ 3x JSON round trip, Node",
      measured: `${x(nodeCore.projectOverJson)} (zod only ${x(nodeCore.projectZodOverJson)}; validation ${x(nodeCore.validateOverJson)}, ajv ${x(nodeCore.ajvOverJson)})`,
      pass: nodeCore.projectOverJson <= 3,
    },
    {
      target: `4 MiB decoded request well inside 128 MB (≤ ${MEMORY_SHARE_LIMIT * 100}%), workerd isolate heap`,
      measured: `${mb(memory.workerdHeldBytes)} heap while holding every stage (+${mb(memory.workerdDeltaBytes)})`,
      pass: memory.workerdHeldBytes <= ISOLATE_LIMIT_BYTES * MEMORY_SHARE_LIMIT,
    },
    {
      target: "cost < $1.00 per million events, all in",
      measured: `$${cost.totalUsd.toFixed(3)}`,
      pass: cost.totalUsd < 1,
    },
  ];
}
