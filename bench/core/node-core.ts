/**
 * Part 1 in Node: the validation paths timed in this process, interleaved within each run so a slower
 * moment of a shared machine hits every path alike. Node lets zod compile its parsers (JIT), which workerd
 * does not; workerd-core.ts measures the runtime that matters.
 * @module
 */
import { requestBodies } from "../workload.js";
import { compileEventValidator } from "./ajv-validator.js";
import { CORE_VARIANTS, runPass, type CoreVariant } from "./core-paths.js";
import { summariseCore, type CoreRates, type CoreResult } from "./core-result.js";

const BATCHES = 50;
const BATCH_SIZE = 20;
const WARMUP_PASSES = 10;
/** Each sample runs enough passes to take about this long. */
const SAMPLE_MS = 200;

export async function runNodeCore(runs: number): Promise<CoreResult> {
  const bodies = requestBodies(BATCHES, BATCH_SIZE);
  const validate = compileEventValidator();
  const passes = {} as Record<CoreVariant, number>;
  for (const variant of CORE_VARIANTS) {
    const started = performance.now();
    for (let pass = 0; pass < WARMUP_PASSES; pass++) await runPass(variant, bodies, validate);
    passes[variant] = Math.max(4, Math.ceil((SAMPLE_MS / Math.max(1, performance.now() - started)) * WARMUP_PASSES));
  }
  const results: CoreRates[] = [];
  for (let run = 0; run < runs; run++) {
    const rates = {} as CoreRates;
    // Rotate the order so no path always runs first (after a GC of the previous one's garbage).
    const order = CORE_VARIANTS.map((_, index) => CORE_VARIANTS[(index + run) % CORE_VARIANTS.length]!);
    for (const variant of order) {
      const started = performance.now();
      let events = 0;
      for (let pass = 0; pass < passes[variant]; pass++) events += await runPass(variant, bodies, validate);
      rates[variant] = (events / (performance.now() - started)) * 1000;
    }
    results.push(rates);
  }
  return summariseCore("node", results);
}
