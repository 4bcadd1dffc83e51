/**
 * The rows of part 1 (validation + enrichment) for one runtime, shared by the full report and by
 * `npx tsx bench/core/run-core.ts`, which runs part 1 alone.
 * @module
 */
import type { Row } from "../lib/table.js";
import type { CoreResult } from "./core-result.js";

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function coreRows(core: CoreResult): Row[] {
  const rates = core.eventsPerSecond;
  const runtime = core.runtime;
  return [
    [`${runtime}: JSON.parse + JSON.stringify (floor)`, int(rates.json), "1.00x"],
    [`${runtime}: + ajv validate`, int(rates.ajv), `${fixed(core.ajvOverJson)}x floor`],
    [
      `${runtime}: + validateEnvelope+validateEvents, zod only`,
      int(rates.zod),
      `${fixed(core.zodOverJson)}x floor; zod/ajv validation ${fixed(core.zodOverAjvValidation, 1)}x`,
    ],
    [
      `${runtime}: + validateEnvelope+validateEvents (generated fast path)`,
      int(rates.validate),
      `${fixed(core.validateOverJson)}x floor; over ajv validation ${fixed(core.validateOverAjvValidation, 1)}x`,
    ],
    [
      `${runtime}: project with zod only (validate + enrich + pack)`,
      int(rates.projectZod),
      `${fixed(core.projectZodOverJson)}x floor`,
    ],
    [
      `${runtime}: project (validate + enrich + pack)`,
      int(rates.project),
      `${fixed(core.projectOverJson)}x floor; ${fixed(core.projectOverAjv)}x ajv path`,
    ],
  ];
}
