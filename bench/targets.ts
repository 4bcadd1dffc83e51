/**
 * Part 5: the targets, each checked against figures of this run.
 * @module
 */
import type { ConsumerResult } from "./consumer/consumer-bench.js";
import type { ShardScalingResult } from "./consumer/shard-scaling.js";
import type { CoreResult } from "./core/core-result.js";
import type { CostResult } from "./cost/cost-model.js";
import type { EdgeResult } from "./edge/edge-load.js";
import type { ConsumerBatchMemoryResult } from "./memory/consumer-batch-memory.js";
import { ISOLATE_LIMIT_BYTES, type MemoryResult } from "./memory/memory-bench.js";
import type { CompactionMemoryResult } from "./memory/parquet-compaction-memory.js";

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export interface AllResults {
  nodeCore: CoreResult;
  workerdCore: CoreResult;
  edge: EdgeResult;
  /** One consumer run per fleet profile: 1, 10 and 100 tenants per batch. */
  consumers: ConsumerResult[];
  /**
   * One tenant's same offered load through 1, 4 and 16 ledger shards on as many events queue partitions, then
   * 16 shards on one queue (the contrast).
   */
  shardScaling: ShardScalingResult[];
  memory: MemoryResult;
  batchMemory: ConsumerBatchMemoryResult;
  compactionMemory: CompactionMemoryResult;
  costs: CostResult[];
}

/** The cost targets by tenants per 100-message batch (dollars per million events). */
export const COST_TARGETS: Record<number, number> = { 1: 0.3, 10: 0.3, 100: 0.75 };
/** Ledger storage per event (the largest shard, all it holds) at one tenant per batch. */
export const SHARD_BYTES_PER_EVENT_TARGET = 20;

/**
 * How close the ledger's capacity comes to linear in the shard count (1 = linear). Each shard is its own Durable
 * Object, one thread each in production, so N shards absorb N times what one absorbs as long as an event costs
 * the shards the same CPU whatever their count: efficiency(N) = CPU per event (1 shard) / CPU per event (N
 * shards), all shards together, under the same offered load. (Miniflare runs every shard on one thread, so
 * wall-clock throughput here cannot show it; the shards' CPU is sampled by V8's profiler.)
 */
export function shardScalingEfficiency(run: ShardScalingResult, runs: readonly ShardScalingResult[]): number {
  const base = runs.find((candidate) => candidate.profile.shards === 1);
  if (!base) return Number.NaN;
  return base.shardCpuMsPer1000Events / Math.max(Number.EPSILON, run.shardCpuMsPer1000Events);
}

/** Events per second the run's shards absorb when each has a thread of its own and they share the events evenly. */
export function shardCapacityPerSecond(run: ShardScalingResult): number {
  return (run.profile.shards * 1_000_000) / Math.max(Number.EPSILON, run.shardCpuMsPer1000Events);
}

/** The runs the target is about: N shards on N events queue partitions (the edge's way). */
export function isPartitionedRun(run: ShardScalingResult): boolean {
  return run.profile.partitions === run.profile.shards;
}

const x = (ratio: number) => `${ratio.toFixed(2)}x`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** "Well within" 128 MB: at most half of it. */
const MEMORY_SHARE_LIMIT = 0.5;

export function checkTargets(results: AllResults): TargetCheck[] {
  const { edge, workerdCore, nodeCore, memory, batchMemory, compactionMemory, costs, consumers, shardScaling } =
    results;
  const withinIsolate = (bytes: number) => bytes <= ISOLATE_LIMIT_BYTES * MEMORY_SHARE_LIMIT;
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
      pass: withinIsolate(memory.workerdHeldBytes),
    },
    {
      target: `full consumer batch (${batchMemory.messages} messages of ~${Math.round(batchMemory.messageBytes / 1000)} KB) ≤ ${MEMORY_SHARE_LIMIT * 100}% of 128 MB, live workerd heap`,
      measured: `${mb(batchMemory.peakLiveBytes)} live, holding the decoded batch and its file`,
      pass: withinIsolate(batchMemory.peakLiveBytes),
    },
    {
      target: `Parquet compaction of ${compactionMemory.events.toLocaleString("en-US")} events ≤ ${MEMORY_SHARE_LIMIT * 100}% of 128 MB, live workerd heap`,
      measured: `${mb(compactionMemory.peakLiveBytes)} live at peak, between export files`,
      pass: withinIsolate(compactionMemory.peakLiveBytes),
    },
    ...costs.map((cost) => ({
      target: `cost < $${COST_TARGETS[cost.tenantsPerBatch]?.toFixed(2)} per million events at ${cost.tenantsPerBatch} tenant(s) per batch`,
      measured: `$${cost.totalUsd.toFixed(3)}`,
      pass: cost.totalUsd < (COST_TARGETS[cost.tenantsPerBatch] ?? 0),
    })),
    {
      target: `ledger storage ≤ ${SHARD_BYTES_PER_EVENT_TARGET} bytes per event (largest shard, 1 tenant per batch)`,
      measured: `${(consumers[0]?.shardBytesPerEvent ?? 0).toFixed(1)} B`,
      pass: (consumers[0]?.shardBytesPerEvent ?? Number.POSITIVE_INFINITY) <= SHARD_BYTES_PER_EVENT_TARGET,
    },
    ...shardScaling
      .filter((run) => run.profile.shards > 1 && isPartitionedRun(run))
      .map((run) => {
        const efficiency = shardScalingEfficiency(run, shardScaling);
        return {
          target: `ledger capacity with ${run.profile.shards} shards within 25% of linear (${run.profile.partitions} queue partitions, shards' CPU per event)`,
          measured: `${(efficiency * 100).toFixed(0)}% of linear`,
          pass: efficiency >= 0.75,
        };
      }),
  ];
}
