/**
 * Erasing a user from the closed days' Parquet files (issue 15 with issue 17, docs/privacy.md) inside workerd:
 * export files on closed days are compacted through the admin route, the erasure runs through the queue handler,
 * and the Parquet files are read back with hyparquet: the user's rows are gone, every other row is the event it
 * was, the listing and the day manifest show the new file (an emptied one no longer).
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parquetKey } from "../../src/core/exports/export-key.js";
import type { DayManifest, ExportListing } from "../../src/core/exports/export-listing.js";
import type { QueuedEvent } from "../../src/core/exports/tenant-groups.js";
import { ADMIN } from "../support/destinations.js";
import { erasureStatus, eventsOf, parquetEvents, requestErasure, runErasure } from "../support/erasures.js";
import { getAs, storeExportFile } from "../support/export-files.js";
import { type Fault, failOnce } from "../support/faults.js";
import { uniqueTenant } from "../support/tenants.js";
import { HOUR_MS, noonDaysAgo } from "../support/time.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const TARGET = "user-to-erase";
const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);
const later = (instant: Date, hours: number) => new Date(instant.getTime() + hours * HOUR_MS);

interface CompactedDays {
  tenant: string;
  /** Closed days: the target among others, the target alone, others alone. */
  mixed: string;
  targetOnly: string;
  othersOnly: string;
  /** The events of each day's files, in key order (so in Parquet row order). */
  events: Record<string, QueuedEvent[]>;
}

/** Export files on three closed days, each day compacted to one Parquet file. */
async function compactedDays(label: string): Promise<CompactedDays> {
  const tenant = uniqueTenant(label);
  const [mixedAt, targetAt, othersAt] = [noonDaysAgo(4), noonDaysAgo(3), noonDaysAgo(2)];
  const specs: Array<[Date, QueuedEvent[]]> = [
    [mixedAt, [...eventsOf(tenant, TARGET, mixedAt, 3), ...eventsOf(tenant, "user-a", mixedAt, 4)]],
    [later(mixedAt, 1), eventsOf(tenant, "user-b", later(mixedAt, 1), 5)],
    [
      later(mixedAt, 2),
      [...eventsOf(tenant, "user-a", later(mixedAt, 2), 2), ...eventsOf(tenant, TARGET, later(mixedAt, 2), 2)],
    ],
    [targetAt, eventsOf(tenant, TARGET, targetAt, 3)],
    [othersAt, eventsOf(tenant, "user-b", othersAt, 4)],
  ];
  const events: Record<string, QueuedEvent[]> = {};
  for (const [writtenAt, fileEvents] of specs) {
    await storeExportFile(tenant, { writtenAt, events: fileEvents });
    events[dayOf(writtenAt)] = [...(events[dayOf(writtenAt)] ?? []), ...fileEvents];
  }
  const days = { mixed: dayOf(mixedAt), targetOnly: dayOf(targetAt), othersOnly: dayOf(othersAt) };
  for (const day of Object.values(days)) {
    const response = await callWorker(
      collectorRequest(`/admin/tenants/${tenant}/compact?day=${day}`, { method: "POST", headers: ADMIN }),
    );
    expect(response.status).toBe(200);
  }
  return { tenant, ...days, events };
}

/** The events as a Parquet file holds them: JSON values, as rebuildEvent gives them back. */
function asJson(events: readonly QueuedEvent[]): unknown[] {
  return events.map((event) => JSON.parse(JSON.stringify(event)) as unknown);
}

async function erase(days: CompactedDays, bindingsFor?: (delivery: number) => Partial<Env>) {
  const erasure = await requestErasure(days.tenant, { userid: TARGET });
  await runErasure(erasure, bindingsFor);
  return erasureStatus(days.tenant, erasure.id);
}

describe("an erasure removes the user's rows from the tenant's Parquet files", () => {
  it("rewrites a day's file without them, every other row the event it was, in the same order", async () => {
    const days = await compactedDays("erase-parquet");
    const key = parquetKey(days.tenant, days.mixed, 0);
    expect(await parquetEvents(key)).toEqual(asJson(days.events[days.mixed]!));
    const before = await env.EXPORTS.head(key);

    const status = await erase(days);

    const others = days.events[days.mixed]!.filter((event) => event.userid !== TARGET);
    expect(await parquetEvents(key)).toEqual(asJson(others));
    const after = await env.EXPORTS.head(key);
    expect(after!.etag).not.toBe(before!.etag);
    expect(after!.httpMetadata?.contentType).toBe("application/vnd.apache.parquet");
    expect(status.status).toBe("done");
    expect(status.counts).toMatchObject({
      parquet_files_rewritten: 1,
      parquet_files_deleted: 1,
      parquet_rows_removed: 5 + 3,
      lines_removed: 5 + 3,
    });
  });

  it("deletes a file that held only the user's rows, and leaves a day without the user as it was", async () => {
    const days = await compactedDays("erase-parquet-empty");
    const untouched = parquetKey(days.tenant, days.othersOnly, 0);
    const before = await env.EXPORTS.head(untouched);
    await erase(days);
    expect(await env.EXPORTS.head(parquetKey(days.tenant, days.targetOnly, 0))).toBeNull();
    expect((await env.EXPORTS.head(untouched))!.etag).toBe(before!.etag);
  });

  it("lists the new file with its etag, size and rows, and no longer the emptied one", async () => {
    const days = await compactedDays("erase-parquet-list");
    await erase(days);
    const listing = (await (await getAs(days.tenant, "/v1/exports?format=parquet")).json()) as ExportListing;
    const rewritten = parquetKey(days.tenant, days.mixed, 0);
    const head = await env.EXPORTS.head(rewritten);
    expect(listing.files.map((file) => file.key)).toEqual([rewritten, parquetKey(days.tenant, days.othersOnly, 0)]);
    const others = days.events[days.mixed]!.filter((event) => event.userid !== TARGET);
    const received = others.map((event) => event.receivedat).sort();
    expect(listing.files[0]).toEqual(
      expect.objectContaining({ etag: head!.etag, size: head!.size, events: others.length, first: received[0] }),
    );
    const manifest = (await (await getAs(days.tenant, `/v1/exports/days/${days.targetOnly}`)).json()) as DayManifest;
    expect(manifest.parquet).toEqual([]);
    const download = await getAs(days.tenant, `/v1/exports/${parquetKey(days.tenant, days.targetOnly, 0)}`);
    expect(download.status).toBe(404);
  });

  it("a second erasure of the same user changes nothing", async () => {
    const days = await compactedDays("erase-parquet-twice");
    await erase(days);
    const key = parquetKey(days.tenant, days.mixed, 0);
    const etag = (await env.EXPORTS.head(key))!.etag;
    const again = await erase(days);
    expect((await env.EXPORTS.head(key))!.etag).toBe(etag);
    expect(again.counts).toMatchObject({ parquet_files_rewritten: 0, parquet_files_deleted: 0, lines_removed: 0 });
  });
});

describe("an erasure interrupted in a Parquet step, then run again, ends the same", () => {
  const isParquet = (args: unknown[]) => String(args[0]).endsWith(".parquet");
  const steps: Array<[string, "createMultipartUpload" | "delete", "before" | "after"]> = [
    ["the rewrite's upload cannot start", "createMultipartUpload", "before"],
    ["the emptied file's delete fails", "delete", "before"],
    ["the emptied file is deleted but the Worker dies", "delete", "after"],
  ];
  it.each(steps)("%s", async (_name, method, timing) => {
    const days = await compactedDays(`erase-parquet-${method.slice(0, 6).toLowerCase()}-${timing}`);
    let fault: Fault<R2Bucket> | undefined;
    const status = await erase(days, () => {
      fault ??= failOnce(env.EXPORTS, method, timing, isParquet);
      return { EXPORTS: fault.binding };
    });
    expect(fault?.fired()).toBe(true);
    expect(status.status).toBe("done");
    const others = days.events[days.mixed]!.filter((event) => event.userid !== TARGET);
    expect(await parquetEvents(parquetKey(days.tenant, days.mixed, 0))).toEqual(asJson(others));
    expect(await env.EXPORTS.head(parquetKey(days.tenant, days.targetOnly, 0))).toBeNull();
    expect(status.counts).toMatchObject({
      parquet_files_rewritten: 1,
      parquet_files_deleted: 1,
      parquet_rows_removed: 8,
    });
  });

  it("the rewritten file is stored but the Worker dies before it is recorded", async () => {
    const days = await compactedDays("erase-parquet-record");
    const key = parquetKey(days.tenant, days.mixed, 0);
    let fault: ReturnType<typeof failOnce<D1Database>> | undefined;
    const status = await erase(days, () => {
      // The record step's transaction of the Parquet file: its statements are bound to the key.
      fault ??= failOnce(env.DB, "batch", "before", (args) => JSON.stringify(args[0]).includes(key));
      return { DB: fault.binding };
    });
    expect(fault?.fired()).toBe(true);
    expect(status.counts).toMatchObject({ parquet_files_rewritten: 1, parquet_rows_removed: 8 });
    const listing = (await (await getAs(days.tenant, "/v1/exports?format=parquet")).json()) as ExportListing;
    expect(listing.files[0]).toEqual(
      expect.objectContaining({ key, etag: (await env.EXPORTS.head(key))!.etag, events: 11 }),
    );
  });
});
