/**
 * What one runtime's validation benchmark reports: events per second of each path and the ratios that the
 * targets use, each ratio taken within a run and then the median over runs.
 * @module
 */
import { medianByKey } from "../lib/stats.js";
import type { CoreVariant } from "./core-paths.js";

export type CoreRates = Record<CoreVariant, number>;

export interface CoreResult {
  runtime: "node" | "workerd";
  runs: number;
  eventsPerSecond: CoreRates;
  /** project time / json time per event, i.e. json rate / project rate. */
  projectOverJson: number;
  projectZodOverJson: number;
  validateOverJson: number;
  zodOverJson: number;
  ajvOverJson: number;
  /** zod validation time / ajv validation time, both measured above the JSON floor. */
  zodOverAjvValidation: number;
  /** The same for validateEvents as the edge runs it (generated fast path). */
  validateOverAjvValidation: number;
  projectOverAjv: number;
}

export function summariseCore(runtime: CoreResult["runtime"], runs: readonly CoreRates[]): CoreResult {
  const ratios = medianByKey(
    runs.map((rates) => ({
      projectOverJson: rates.json / rates.project,
      projectZodOverJson: rates.json / rates.projectZod,
      validateOverJson: rates.json / rates.validate,
      zodOverJson: rates.json / rates.zod,
      ajvOverJson: rates.json / rates.ajv,
      zodOverAjvValidation: (1 / rates.zod - 1 / rates.json) / (1 / rates.ajv - 1 / rates.json),
      validateOverAjvValidation: (1 / rates.validate - 1 / rates.json) / (1 / rates.ajv - 1 / rates.json),
      projectOverAjv: rates.ajv / rates.project,
    })),
  );
  return { runtime, runs: runs.length, eventsPerSecond: medianByKey(runs), ...ratios };
}
