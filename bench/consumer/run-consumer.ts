/**
 * Part 3 and the cost model alone, for the consumer's fleet profiles and the shard scaling, without the edge's
 * load test: `npx tsx bench/consumer/run-consumer.ts`. The edge's CPU per request (the only figure the cost model
 * takes from part 2) is BENCH_EDGE_CPU_MS (default: the last full run's, BENCHMARKS.md). Prints the consumer and
 * cost sections of the report as JSON.
 * @module
 */
import { costPerMillion } from "../cost/cost-model.js";
import type { EdgeResult } from "../edge/edge-load.js";
import { runConsumer } from "./consumer-bench.js";

const batches = Number(process.env.BENCH_CONSUMER_BATCHES ?? 3);
const edge = { cpuMsPerSmallRequest: Number(process.env.BENCH_EDGE_CPU_MS ?? 2.66) } as EdgeResult;
const profiles = [
  { tenantsPerBatch: 1, shards: 1 },
  { tenantsPerBatch: 10, shards: 1 },
  { tenantsPerBatch: 100, shards: 1 },
  { tenantsPerBatch: 1, shards: 4 },
  { tenantsPerBatch: 1, shards: 16 },
];
for (const profile of profiles) {
  const consumer = await runConsumer(batches, profile);
  const cost = profile.shards === 1 ? costPerMillion(edge, consumer) : undefined;
  process.stdout.write(`${JSON.stringify({ consumer, cost })}\n`);
}
