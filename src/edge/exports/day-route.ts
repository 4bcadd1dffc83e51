/**
 * GET /v1/exports/days/{yyyy-mm-dd}: one day folder's manifest: its files, their events by type and how many
 * happened on earlier days, the first and last event, whether the day is closed (no file can be added to it any more), and each file's delivery state at
 * the tenant's push destinations.
 * @module
 */
import type { Context } from "hono";
import { CollectorError } from "../../core/foundation/errors.js";
import { dayClosesAt, isCalendarDay, isDayClosed } from "../../core/exports/export-day.js";
import type { DayManifest, ExportFileEntry } from "../../core/exports/export-listing.js";
import type { EdgeEnv } from "../edge-env.js";
import { readDayFiles } from "./manifest-reads.js";
import { deliveriesOfDay } from "../../delivery/delivery-ledger.js";

export async function getExportDay(c: Context<EdgeEnv>): Promise<Response> {
  const principal = c.get("principal");
  const day = c.req.param("day") ?? "";
  if (!isCalendarDay(day)) {
    throw new CollectorError(
      "invalid_query",
      `The day must be a date written YYYY-MM-DD (UTC); got ${JSON.stringify(day.slice(0, 40))}.`,
    );
  }
  const [{ files, types, earlierDayEvents, parquet, aggregates }, deliveries] = await Promise.all([
    readDayFiles(c.env, principal.tenant, day),
    deliveriesOfDay(c.env.DB, principal.tenant, day),
  ]);
  const closed = isDayClosed(day, new Date());
  const manifest: DayManifest = {
    day,
    closed,
    closes_at: dayClosesAt(day).toISOString(),
    files,
    events: total(files, "events"),
    bytes: total(files, "size"),
    types,
    events_from_earlier_days: earlierDayEvents,
    first: earliest(files.map((file) => file.first)),
    last: latest(files.map((file) => file.last)),
    parquet,
    aggregates,
    deliveries: deliveries.map((row) => ({
      key: row.file_key,
      destination: row.destination,
      state: row.state,
      attempts: row.attempts,
      last_error: row.state === "delivered" ? null : row.last_error,
      delivered_at: row.delivered_at === null ? null : new Date(row.delivered_at).toISOString(),
    })),
  };
  // A closed day never changes again; an open one may gain a file at any moment.
  return c.json(manifest, 200, { "cache-control": closed ? "private, max-age=86400" : "private, no-store" });
}

function total(files: readonly ExportFileEntry[], field: "events" | "size"): number {
  return files.reduce((sum, file) => sum + file[field], 0);
}

// receivedat is ISO-8601 UTC with milliseconds, so text order is time order.
function earliest(times: readonly string[]): string | null {
  return times.reduce<string | null>((min, time) => (min === null || time < min ? time : min), null);
}

function latest(times: readonly string[]): string | null {
  return times.reduce<string | null>((max, time) => (max === null || time > max ? time : max), null);
}
