/**
 * The hourly cron's closed-day jobs. For each registered, enabled tenant and each of the last LOOKBACK_DAYS
 * closed days (a day closes 24 hours after its end: core/exports/export-day.ts) not yet finished
 * (closed_day_outputs): the day's aggregates file, the month's on a month's last day, and, for tenants with
 * Parquet on, the day's Parquet files, at most PARQUET_FILES_PER_RUN per run (one file is one invocation's
 * worth of CPU: core/parquet/day-parts.ts). Each job is independent: one that fails is logged and retried by the
 * next run. Logs one `closed_days` line.
 * @module
 */
import { isDayClosed } from "../core/exports/export-day.js";
import { logError, logInfo } from "../core/foundation/log.js";
import { addDays } from "../core/insights/summary-range.js";
import type { CompactionBindings } from "./compaction-bindings.js";
import {
  type ClosedDayOutput,
  closedDayTenants,
  finishedOutputs,
  markOutputDone,
  outputId,
} from "./closed-day-ledger.js";
import { compactDay } from "./compact-day.js";
import { writeDailyAggregates, writeMonthlyAggregates } from "./write-aggregates.js";

/** How far back a run looks for closed days without their outputs: a week of missed runs catches up. */
export const LOOKBACK_DAYS = 7;
/** Parquet files one cron run writes; the rest of a day, or other days, wait for the next runs. */
export const PARQUET_FILES_PER_RUN = 1;

const DAY_MS = 24 * 60 * 60 * 1000;

export async function runClosedDayJobs(env: CompactionBindings, scheduledTime: number): Promise<void> {
  const now = new Date(scheduledTime);
  const lastClosed = latestClosedDay(now);
  const days = Array.from({ length: LOOKBACK_DAYS }, (_, index) => addDays(lastClosed, index + 1 - LOOKBACK_DAYS));
  const counts = { aggregates: 0, monthly_aggregates: 0, parquet_files: 0, failed: 0 };
  let tenants: Awaited<ReturnType<typeof closedDayTenants>>;
  let finished: Set<string>;
  try {
    [tenants, finished] = await Promise.all([closedDayTenants(env.DB), finishedOutputs(env.DB, days[0]!, lastClosed)]);
  } catch (error) {
    logError("closed_days_error", { step: "read" }, error);
    return;
  }
  let parquetBudget = PARQUET_FILES_PER_RUN;
  for (const { tenant, parquet } of tenants) {
    for (const day of days) {
      const pending = (output: ClosedDayOutput) => !finished.has(outputId(tenant, day, output));
      const attempt = async (output: ClosedDayOutput, job: () => Promise<number>) => {
        try {
          const events = await job();
          if (output !== "parquet") {
            await markOutputDone(env.DB, { tenant, day, output, files: 1, events }, Date.now());
            counts[output]++;
          }
        } catch (error) {
          counts.failed++;
          logError("closed_days_error", { tenant, day, step: output }, error);
        }
      };
      if (pending("aggregates")) {
        await attempt("aggregates", async () => (await writeDailyAggregates(env, tenant, day)).events);
      }
      if (isLastDayOfMonth(day) && pending("monthly_aggregates")) {
        await attempt("monthly_aggregates", async () => (await writeMonthlyAggregates(env, tenant, day)).events);
      }
      if (parquet && parquetBudget > 0 && pending("parquet")) {
        await attempt("parquet", async () => {
          const result = await compactDay(env, tenant, day, { now, maxParts: parquetBudget });
          parquetBudget -= result.written;
          counts.parquet_files += result.written;
          return result.events;
        });
      }
    }
  }
  logInfo("closed_days", { last_closed_day: lastClosed, tenants: tenants.length, ...counts });
}

/** The latest day that is closed at `now`. */
export function latestClosedDay(now: Date): string {
  const candidate = new Date(now.getTime() - 2 * DAY_MS).toISOString().slice(0, 10);
  return isDayClosed(candidate, now) ? candidate : addDays(candidate, -1);
}

function isLastDayOfMonth(day: string): boolean {
  return addDays(day, 1).slice(0, 7) !== day.slice(0, 7);
}
