/**
 * Part 1 inside workerd: the bench-only Worker workers/core-bench.ts runs N passes of a path per request.
 * Each sample is timed from outside as (request with N passes) − (request with 0 passes), so neither the
 * request's own overhead nor workerd's clocks (frozen during execution in production) enter the figure.
 * It also records whether the runtime's Date.now()/performance.now() advanced while computing, locally.
 * @module
 */
import { startBenchWorker } from "../runtime/bench-worker.js";
import { CORE_VARIANTS, type CoreVariant } from "./core-paths.js";
import { summariseCore, type CoreRates, type CoreResult } from "./core-result.js";

const WARMUP_PASSES = 10;
/** Each sample runs enough passes to take about this long, so the 0-pass subtraction is small beside it. */
const SAMPLE_MS = 300;

export interface WorkerdCoreResult extends CoreResult {
  /** Inner Date.now() elapsed / outer wall time of the N-pass requests: ~1 when the clock runs, 0 when frozen. */
  innerClockShare: number;
}

interface PassTiming {
  wallMs: number;
  events: number;
  dateMs: number;
}

async function timedPasses(base: URL, variant: CoreVariant, passes: number): Promise<PassTiming> {
  const started = performance.now();
  const response = await fetch(new URL(`/core?variant=${variant}&passes=${passes}`, base), { method: "POST" });
  const body = (await response.json()) as { events: number; dateMs: number };
  const wallMs = performance.now() - started;
  if (!response.ok) throw new Error(`core bench worker answered ${response.status}`);
  return { wallMs, events: body.events, dateMs: body.dateMs };
}

export async function runWorkerdCore(runs: number): Promise<WorkerdCoreResult> {
  const worker = await startBenchWorker("bench/workers/core-bench.ts");
  try {
    const passes = {} as Record<CoreVariant, number>;
    for (const variant of CORE_VARIANTS) {
      const warm = await timedPasses(worker.url, variant, WARMUP_PASSES);
      passes[variant] = Math.max(4, Math.ceil((SAMPLE_MS / Math.max(1, warm.wallMs)) * WARMUP_PASSES));
    }
    const results: CoreRates[] = [];
    const clockShares: number[] = [];
    for (let run = 0; run < runs; run++) {
      const rates = {} as CoreRates;
      const order = CORE_VARIANTS.map((_, index) => CORE_VARIANTS[(index + run) % CORE_VARIANTS.length]!);
      for (const variant of order) {
        const empty = await timedPasses(worker.url, variant, 0);
        const full = await timedPasses(worker.url, variant, passes[variant]);
        rates[variant] = (full.events / Math.max(0.001, full.wallMs - empty.wallMs)) * 1000;
        clockShares.push(full.dateMs / full.wallMs);
      }
      results.push(rates);
    }
    const summary = summariseCore("workerd", results);
    clockShares.sort((a, b) => a - b);
    return { ...summary, innerClockShare: clockShares[Math.floor(clockShares.length / 2)]! };
  } finally {
    await worker.dispose();
  }
}
