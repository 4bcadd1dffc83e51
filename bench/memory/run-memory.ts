/**
 * The memory parts of the benchmark alone: `npx tsx bench/memory/run-memory.ts` (BENCH_MEMORY_ONLY=request,batch,
 * compaction to pick): the largest request through the core path (memory-bench.ts), a full consumer batch through
 * the real consumer (consumer-batch-memory.ts) and one Parquet file's compaction (parquet-compaction-memory.ts),
 * each in workerd, read over the V8 inspector. Prints one JSON object.
 * @module
 */
import { runConsumerBatchMemory } from "./consumer-batch-memory.js";
import { runMemory } from "./memory-bench.js";
import { runCompactionMemory } from "./parquet-compaction-memory.js";

const only = process.env.BENCH_MEMORY_ONLY?.split(",") ?? ["request", "batch", "compaction"];
const results: Record<string, unknown> = {};
if (only.includes("request")) results.request = await runMemory();
if (only.includes("batch")) results.batch = await runConsumerBatchMemory();
if (only.includes("compaction")) results.compaction = await runCompactionMemory();
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
