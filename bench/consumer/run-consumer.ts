/**
 * Part 3 and the cost model alone, for the consumer's fleet profiles and the shard scaling, without the edge's
 * load test: `npx tsx bench/consumer/run-consumer.ts`. The edge's CPU per request (the only figure the cost model
 * takes from part 2) is BENCH_EDGE_CPU_MS (default: the last full run's, BENCHMARKS.md); BENCH_CONSUMER_BATCHES
 * counted batches per fleet profile (3); BENCH_SHARD_BATCHES full batches per shard of 16 in the shard-scaling
 * load (1: 32,000 events). Prints each run's figures as a JSON line.
 * @module
 */
import { costPerMillion } from "../cost/cost-model.js";
import type { EdgeResult } from "../edge/edge-load.js";
import { shardScalingEfficiency } from "../targets.js";
import { runConsumer, tenantOf } from "./consumer-bench.js";
import { shardLoad } from "./shard-load.js";
import { runShardScaling, SHARD_SCALING_PROFILES, type ShardScalingResult } from "./shard-scaling.js";

const batches = Number(process.env.BENCH_CONSUMER_BATCHES ?? 3);
const shardBatches = Number(process.env.BENCH_SHARD_BATCHES ?? 1);
const edge = { cpuMsPerSmallRequest: Number(process.env.BENCH_EDGE_CPU_MS ?? 2.66) } as EdgeResult;
for (const tenantsPerBatch of [1, 10, 100]) {
  const consumer = await runConsumer(batches, { tenantsPerBatch, shards: 1 });
  process.stdout.write(`${JSON.stringify({ consumer, cost: costPerMillion(edge, consumer) })}\n`);
}
const load = shardLoad(tenantOf(0), shardBatches, 100);
const scaling: ShardScalingResult[] = [];
for (const profile of SHARD_SCALING_PROFILES) {
  const run = await runShardScaling(load, profile);
  scaling.push(run);
  process.stdout.write(`${JSON.stringify({ shardScaling: run, efficiency: shardScalingEfficiency(run, scaling) })}\n`);
}
