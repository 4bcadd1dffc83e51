/**
 * `npm run bench`: runs every part in turn (validation in Node and workerd, the edge under load, the
 * consumer, memory of the largest request, of a full consumer batch and of a Parquet compaction), computes the cost per million events and checks the targets, then prints ONE table and
 * writes it with every figure to bench/results/latest.json. BENCH_QUICK=1 runs fewer and shorter rounds.
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runConsumer, tenantOf } from "./consumer/consumer-bench.js";
import { shardLoad } from "./consumer/shard-load.js";
import { runShardScaling, SHARD_SCALING_PROFILES } from "./consumer/shard-scaling.js";
import { runNodeCore } from "./core/node-core.js";
import { runWorkerdCore } from "./core/workerd-core.js";
import { costPerMillion, FLEET_PROFILE } from "./cost/cost-model.js";
import { PRICES, PRICES_AS_OF } from "../src/core/usage/list-prices.js";
import { edgeSettings, runEdgeLoad } from "./edge/edge-load.js";
import { runConsumerBatchMemory } from "./memory/consumer-batch-memory.js";
import { runMemory } from "./memory/memory-bench.js";
import { runCompactionMemory } from "./memory/parquet-compaction-memory.js";
import { renderReport } from "./report.js";
import { PROJECT_ROOT } from "../scripts/lib/project-paths.js";
import { checkTargets } from "./targets.js";

const quick = process.env.BENCH_QUICK === "1";
const CORE_RUNS = quick ? 3 : 7;
const EDGE = edgeSettings(quick);
const CONSUMER_BATCHES = quick ? 2 : 5;
/** Full batches per shard of 16 in the shard-scaling load: 32,000 events each. */
const SHARD_BATCHES = quick ? 1 : 2;
/** Events of the Parquet compaction's memory run: one whole file (MAX_EVENTS_PER_PARQUET_FILE), or two row groups. */
const COMPACTION_EVENTS = quick ? 64_000 : undefined;

function step(name: string): void {
  process.stderr.write(`bench: ${name}…\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  step("validation + enrichment in Node");
  const nodeCore = await runNodeCore(CORE_RUNS);
  step("validation + enrichment in workerd");
  const workerdCore = await runWorkerdCore(CORE_RUNS);
  step("edge under load");
  const edge = await runEdgeLoad(EDGE);
  const consumers = [];
  for (const tenantsPerBatch of [1, 10, 100]) {
    step(`consumer, ${tenantsPerBatch} tenant(s) per batch`);
    consumers.push(await runConsumer(CONSUMER_BATCHES, { tenantsPerBatch, shards: 1 }));
  }
  const shardScaling = [];
  const load = shardLoad(tenantOf(0), SHARD_BATCHES, 100);
  for (const profile of SHARD_SCALING_PROFILES) {
    step(`consumer, one tenant with ${profile.shards} ledger shard(s) on ${profile.partitions} queue partition(s)`);
    shardScaling.push(await runShardScaling(load, profile));
  }
  step("memory of the largest request");
  const memory = await runMemory();
  step("memory of a full consumer batch");
  const batchMemory = await runConsumerBatchMemory();
  step("memory of a Parquet compaction");
  const compactionMemory = await runCompactionMemory(COMPACTION_EVENTS);
  const costs = consumers.map((consumer) => costPerMillion(edge, consumer));
  const results = {
    nodeCore,
    workerdCore,
    edge,
    consumers,
    shardScaling,
    memory,
    batchMemory,
    compactionMemory,
    costs,
  };
  const targets = checkTargets(results);
  const table = renderReport(results, targets);

  const resultsDir = path.join(PROJECT_ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, "latest.json");
  const record = {
    finishedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: { node: process.version, platform: process.platform, arch: process.arch, quick },
    fleetProfile: FLEET_PROFILE,
    prices: { asOf: PRICES_AS_OF, ...PRICES },
    results,
    targets,
    table,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(
    `\n${table}\n\nWritten to ${path.relative(process.cwd(), file)} in ${record.durationSeconds} s.\n`,
  );
}

await main();
