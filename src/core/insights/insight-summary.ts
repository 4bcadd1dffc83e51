/**
 * Builds a summary (insight-summary-schema.ts) from rollup rows: adds counts up per period and over the range,
 * merges the HyperLogLog sketches per period and over the range, and fills empty periods with zeros.
 * @module
 */
import {
  decodeSketch,
  emptySketch,
  estimateDistinct,
  mergeSketchInto,
  SKETCH_STANDARD_ERROR,
  type Sketch,
} from "./hyperloglog.js";
import { COUNT_DIMENSIONS, type DistinctKind } from "./insight-dimensions.js";
import type { RollupAxis } from "./insight-rollup.js";
import type { CountsByDimension, Summary, SummaryPeriod } from "./insight-summary-schema.js";

export interface CountRow {
  period: string;
  dimension: string;
  value: string;
  count: number;
}

export interface SketchRow {
  period: string;
  kind: DistinctKind;
  registers: string;
}

export interface SummaryInput {
  view: Summary["view"];
  /** The rows' time axis; received when not said. */
  time?: RollupAxis;
  /** Every period of the range, in order. */
  periods: readonly string[];
  counts: readonly CountRow[];
  sketches: readonly SketchRow[];
}

export function buildSummary(input: SummaryInput): Summary {
  const periods = new Map(input.periods.map((period) => [period, new PeriodTally()]));
  const whole = new PeriodTally();
  for (const row of input.counts) {
    const tally = periods.get(row.period);
    if (!tally) continue;
    tally.add(row.dimension, row.value, row.count);
    whole.add(row.dimension, row.value, row.count);
  }
  for (const row of input.sketches) {
    const tally = periods.get(row.period);
    if (!tally) continue;
    const sketch = decodeSketch(row.registers);
    tally.merge(row.kind, sketch);
    whole.merge(row.kind, sketch);
  }
  return {
    view: input.view,
    time: input.time ?? "received",
    from: input.periods[0] ?? "",
    to: input.periods.at(-1) ?? "",
    standard_error: Number(SKETCH_STANDARD_ERROR.toFixed(4)),
    totals: whole.summary(),
    periods: [...periods].map(([period, tally]) => ({ period, ...tally.summary() })),
  };
}

class PeriodTally {
  private readonly by = emptyCounts();
  private readonly sketches: Record<DistinctKind, Sketch> = { users: emptySketch(), devices: emptySketch() };

  add(dimension: string, value: string, count: number): void {
    // Rows of a dimension this build does not know (a newer consumer's) are left out, not failed on.
    if (!isKnownDimension(dimension)) return;
    const values = this.by[dimension];
    values[value] = (values[value] ?? 0) + count;
  }

  merge(kind: DistinctKind, sketch: Sketch): void {
    mergeSketchInto(this.sketches[kind], sketch);
  }

  summary(): Omit<SummaryPeriod, "period"> {
    // Every event has exactly one type, so the type counts add up to the events.
    const events = Object.values(this.by.type).reduce((sum, count) => sum + count, 0);
    return {
      events,
      users: estimateDistinct(this.sketches.users),
      devices: estimateDistinct(this.sketches.devices),
      by: this.by,
    };
  }
}

/**
 * The values are the devices' own text (a platform may be "constructor" or "__proto__"), so each dimension counts
 * into an object without a prototype: no value can find an inherited member or replace the prototype.
 */
function emptyCounts(): CountsByDimension {
  return Object.fromEntries(
    COUNT_DIMENSIONS.map((dimension) => [dimension, Object.create(null) as Record<string, number>]),
  ) as CountsByDimension;
}

function isKnownDimension(dimension: string): dimension is (typeof COUNT_DIMENSIONS)[number] {
  return (COUNT_DIMENSIONS as readonly string[]).includes(dimension);
}
