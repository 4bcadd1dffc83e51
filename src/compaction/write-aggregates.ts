/**
 * The aggregates beside the raw files: when a day closes, `{tenant}/aggregates/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}.json`
 * holds the day's summary, and when a month's last day closes `{tenant}/aggregates/{yyyy}/{yyyy}-{mm}.json` the
 * month's: exactly what GET /v1/summaries/daily and /monthly answer for the period (built by the same code from
 * the same rollups), schema at GET /v1/schema/aggregates. Each is listed in the manifest and delivered to the
 * tenant's destinations like the day's other files.
 * @module
 */
import { CONTENT_TYPES, dailyAggregatesKey, monthlyAggregatesKey } from "../core/exports/export-key.js";
import { buildSummary } from "../core/insights/insight-summary.js";
import type { Summary } from "../core/insights/insight-summary-schema.js";
import { dailyRange, monthlyRange, type SummaryRange } from "../core/insights/summary-range.js";
import { scheduleDeliveries } from "../delivery/schedule-deliveries.js";
import { readRollups } from "../edge/summaries/rollup-reads.js";
import type { CompactionBindings } from "./compaction-bindings.js";
import { recordDerivedFile } from "./closed-day-ledger.js";

export interface WrittenAggregates {
  key: string;
  events: number;
}

export function writeDailyAggregates(env: CompactionBindings, tenant: string, day: string) {
  return writeAggregates(env, tenant, {
    key: dailyAggregatesKey(tenant, day),
    day,
    view: "daily",
    range: dailyRange(day, day),
    first: `${day}T00:00:00.000Z`,
    last: `${day}T23:59:59.999Z`,
  });
}

/** `lastDay` is the month's last day (yyyy-mm-dd): the month's file is listed with that day's files. */
export function writeMonthlyAggregates(env: CompactionBindings, tenant: string, lastDay: string) {
  const month = lastDay.slice(0, 7);
  return writeAggregates(env, tenant, {
    key: monthlyAggregatesKey(tenant, month),
    day: lastDay,
    view: "monthly",
    range: monthlyRange(month, month),
    first: `${month}-01T00:00:00.000Z`,
    last: `${lastDay}T23:59:59.999Z`,
  });
}

interface AggregatesFile {
  key: string;
  day: string;
  view: Summary["view"];
  range: SummaryRange;
  /** The period's first and last instant: what `first` and `last` of its manifest entry say. */
  first: string;
  last: string;
}

async function writeAggregates(
  env: CompactionBindings,
  tenant: string,
  file: AggregatesFile,
): Promise<WrittenAggregates> {
  const rows = await readRollups(env, tenant, file.range);
  const summary = buildSummary({ view: file.view, time: file.range.axis, periods: file.range.periods, ...rows });
  const body = new TextEncoder().encode(JSON.stringify(summary));
  const object = await env.EXPORTS.put(file.key, body, { httpMetadata: { contentType: CONTENT_TYPES.aggregates } });
  if (!object) throw new Error("R2 put returned no object");
  const events = summary.totals.events;
  await recordDerivedFile(
    env.DB,
    {
      key: file.key,
      tenant,
      day: file.day,
      format: "aggregates",
      events,
      bytes: body.byteLength,
      etag: object.etag,
      first: file.first,
      last: file.last,
      typeCounts: { ...summary.totals.by.type },
    },
    Date.now(),
  );
  await scheduleDeliveries({ db: env.DB, deliveries: env.DELIVERIES }, { tenant, key: file.key });
  return { key: file.key, events };
}
