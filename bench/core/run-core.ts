/**
 * Part 1 of the benchmark alone (validation + enrichment in Node and in workerd), for work on src/core:
 * `npx tsx bench/core/run-core.ts`: 7 runs (BENCH_QUICK=1: 3; BENCH_CORE_RUNS=N: N, for a steadier median on a
 * busy machine). Prints its rows; writes nothing.
 * @module
 */
import { renderTable } from "../lib/table.js";
import { coreRows } from "./core-rows.js";
import { runNodeCore } from "./node-core.js";
import { runWorkerdCore } from "./workerd-core.js";

const runs = Number(process.env.BENCH_CORE_RUNS ?? (process.env.BENCH_QUICK === "1" ? 3 : 7));
if (!Number.isInteger(runs) || runs < 1) throw new Error("BENCH_CORE_RUNS must be a whole number of runs, at least 1");
process.stderr.write("bench: validation + enrichment in Node…\n");
const node = await runNodeCore(runs);
process.stderr.write("bench: validation + enrichment in workerd…\n");
const workerd = await runWorkerdCore(runs);
process.stdout.write(`${renderTable(["measure", "figure", "beside it"], [...coreRows(node), ...coreRows(workerd)])}\n`);
