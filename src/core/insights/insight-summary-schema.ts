/**
 * The answer of GET /v1/summaries/{realtime,daily,monthly}: the edge builds it, the dashboard and the tests read
 * it with this schema.
 * @module
 */
import { z } from "zod";
import { COUNT_DIMENSIONS } from "./insight-dimensions.js";
import { ROLLUP_AXES } from "./insight-rollup.js";

const countsByValue = z.record(z.string(), z.int().nonnegative());

/** Counts by dimension, then by value; a dimension with no events has an empty object. */
export const countsByDimensionSchema = z.object(
  Object.fromEntries(COUNT_DIMENSIONS.map((dimension) => [dimension, countsByValue])) as Record<
    (typeof COUNT_DIMENSIONS)[number],
    typeof countsByValue
  >,
);
export type CountsByDimension = z.infer<typeof countsByDimensionSchema>;

export const summaryPeriodSchema = z.object({
  /** 'yyyy-mm-ddTHH:MM' (realtime), 'yyyy-mm-dd' (daily) or 'yyyy-mm' (monthly), UTC. */
  period: z.string(),
  events: z.int().nonnegative(),
  /** Approximate distinct users and devices (HyperLogLog; see standard_error). */
  users: z.int().nonnegative(),
  devices: z.int().nonnegative(),
  by: countsByDimensionSchema,
});
export type SummaryPeriod = z.infer<typeof summaryPeriodSchema>;

export const summarySchema = z.object({
  view: z.enum(["realtime", "daily", "monthly"]),
  /**
   * What the periods count by: when the collector received each event, or when it happened (`?time=event`, daily
   * and monthly). Absent from aggregates files written before it existed: those are received.
   */
  time: z.enum(ROLLUP_AXES).optional(),
  /** The first and last period, inclusive. */
  from: z.string(),
  to: z.string(),
  /** The relative standard error of users and devices. */
  standard_error: z.number(),
  /** The whole range; its users and devices are distinct over the range, not a sum of the periods. */
  totals: summaryPeriodSchema.omit({ period: true }),
  /** Every period of the range in order, empty ones included (zeros), so a chart needs no gap filling. */
  periods: z.array(summaryPeriodSchema),
});
export type Summary = z.infer<typeof summarySchema>;
