/**
 * Builds the quality answer (quality-summary-schema.ts) from the rollup rows the summaries read
 * (src/core/insights/insight-summary.ts): the quality dimensions' counts per period and over the range, every
 * period listed, empty ones with zeros. Rows of other dimensions are skipped.
 * @module
 */
import type { CountRow } from "../insights/insight-summary.js";
import type { QualityCounts, QualitySummary } from "./quality-summary-schema.js";
import { ACCEPTED_DIMENSIONS, REJECTED_DIMENSIONS } from "./quality-dimensions.js";

type Side = "accepted" | "rejected";
type SidedKey = "type" | "client" | "clientversion";

/** Which answer field each rollup dimension feeds. */
const FIELD_OF = new Map<string, { key: SidedKey; side: Side } | { key: "code" | "path" }>([
  [ACCEPTED_DIMENSIONS.type, { key: "type", side: "accepted" }],
  [ACCEPTED_DIMENSIONS.client, { key: "client", side: "accepted" }],
  [ACCEPTED_DIMENSIONS.clientversion, { key: "clientversion", side: "accepted" }],
  [REJECTED_DIMENSIONS.type, { key: "type", side: "rejected" }],
  [REJECTED_DIMENSIONS.client, { key: "client", side: "rejected" }],
  [REJECTED_DIMENSIONS.clientversion, { key: "clientversion", side: "rejected" }],
  [REJECTED_DIMENSIONS.code, { key: "code" }],
  [REJECTED_DIMENSIONS.path, { key: "path" }],
]);

export interface QualityInput {
  view: QualitySummary["view"];
  periods: readonly string[];
  counts: readonly CountRow[];
}

export function buildQualitySummary(input: QualityInput): QualitySummary {
  const periods = new Map(input.periods.map((period) => [period, emptyCounts()]));
  const totals = emptyCounts();
  for (const row of input.counts) {
    const tally = periods.get(row.period);
    const field = FIELD_OF.get(row.dimension);
    if (!tally || !field) continue;
    for (const counts of [tally, totals]) add(counts, field, row.value, row.count);
  }
  return {
    view: input.view,
    from: input.periods[0] ?? "",
    to: input.periods.at(-1) ?? "",
    totals,
    periods: [...periods].map(([period, counts]) => ({ period, ...counts })),
  };
}

function add(
  counts: QualityCounts,
  field: { key: SidedKey; side: Side } | { key: "code" | "path" },
  value: string,
  count: number,
): void {
  if (!("side" in field)) {
    const values = counts.by[field.key];
    values[value] = (values[value] ?? 0) + count;
    return;
  }
  const values = counts.by[field.key];
  const entry = values[value] ?? { accepted: 0, rejected: 0 };
  entry[field.side] += count;
  values[value] = entry;
  // Every event has one type: the type counts add up to each side's total.
  if (field.key === "type") counts[field.side] += count;
}

/**
 * Values are the devices' text (a client may be "constructor" or "__proto__"), so each key counts into an object
 * without a prototype.
 */
function emptyCounts(): QualityCounts {
  const values = () => Object.create(null) as Record<string, never>;
  return {
    accepted: 0,
    rejected: 0,
    by: { type: values(), client: values(), clientversion: values(), code: values(), path: values() },
  };
}
