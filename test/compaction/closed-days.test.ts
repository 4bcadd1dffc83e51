/**
 * What closed days add beside the JSON Lines files: the hourly cron's Parquet files (tenants with Parquet on)
 * and aggregates (every registered tenant), the day manifest and the pull API listing and serving them, and the
 * admin route that compacts a day on demand (409 for a day that is not closed). The Parquet files are read back
 * with hyparquet inside workerd: every line of the day's files is one row.
 * @module
 */
import { env } from "cloudflare:test";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { dailyAggregatesKey, parquetKey } from "../../src/core/exports/export-key.js";
import type { DayManifest, ExportListing } from "../../src/core/exports/export-listing.js";
import { summarySchema } from "../../src/core/insights/insight-summary-schema.js";
import { ADMIN } from "../support/destinations.js";
import { getAs, queuedSeedEvents, type StoredFile, storeExportFile } from "../support/export-files.js";
import { registerTenant, uniqueTenant } from "../support/tenants.js";
import { HOUR_MS, noonDaysAgo } from "../support/time.js";
import { callWorker, collectorRequest, runCron } from "../support/worker.js";

const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);

/** Two export files on a closed day (three days ago) and one on the day after. */
async function storeClosedDay(tenant: string): Promise<{ day: string; files: StoredFile[] }> {
  const noon = noonDaysAgo(3);
  const files = [
    await storeExportFile(tenant, { writtenAt: noon }),
    await storeExportFile(tenant, {
      writtenAt: new Date(noon.getTime() + HOUR_MS),
      events: queuedSeedEvents(tenant, new Date(noon.getTime() + HOUR_MS), 5),
    }),
  ];
  await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
  return { day: dayOf(noon), files };
}

async function dayManifest(tenant: string, day: string): Promise<DayManifest> {
  const response = await getAs(tenant, `/v1/exports/days/${day}`);
  expect(response.status).toBe(200);
  return (await response.json()) as DayManifest;
}

async function parquetRows(key: string): Promise<Record<string, unknown>[]> {
  const object = await env.EXPORTS.get(key);
  expect(object, key).not.toBeNull();
  return (await parquetReadObjects({ file: await object!.arrayBuffer() })) as Record<string, unknown>[];
}

function compact(tenant: string, day: string): Promise<Response> {
  return callWorker(
    collectorRequest(`/admin/tenants/${tenant}/compact?day=${day}`, { method: "POST", headers: ADMIN }),
  );
}

describe("the hourly cron on a closed day", () => {
  it("compacts a Parquet tenant's day into one file holding every line once, listed and served", async () => {
    const tenant = uniqueTenant("parquet-on");
    await registerTenant(tenant, { parquet: true });
    const { day, files } = await storeClosedDay(tenant);
    await runCron(Date.now());

    const key = parquetKey(tenant, day, 0);
    const events = files.flatMap((file) => file.events);
    const rows = await parquetRows(key);
    expect(rows.map((row) => row.eventid).sort()).toEqual(events.map((event) => event.eventid).sort());
    expect(rows.every((row) => row.receivedat instanceof Date && row.tenant === tenant)).toBe(true);

    const manifest = await dayManifest(tenant, day);
    expect(manifest.parquet).toEqual([
      expect.objectContaining({ key, events: events.length, first: files[0]!.events[0]!.receivedat }),
    ]);
    expect(manifest.files.map((file) => file.key)).toEqual(files.map((file) => file.key).sort());

    const listing = (await (await getAs(tenant, "/v1/exports?format=parquet")).json()) as ExportListing;
    expect(listing.files.map((file) => file.key)).toEqual([key]);
    const download = await getAs(tenant, `/v1/exports/${key}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe("PAR1");
    expect(bytes.byteLength).toBe(manifest.parquet[0]!.size);
  });

  it("writes the day's aggregates for every registered tenant, Parquet or not, and nothing twice", async () => {
    const tenant = uniqueTenant("aggregates");
    await registerTenant(tenant);
    const { day } = await storeClosedDay(tenant);
    await runCron(Date.now());
    await runCron(Date.now() + 60_000);

    const manifest = await dayManifest(tenant, day);
    expect(manifest.parquet).toEqual([]);
    expect(manifest.aggregates.map((file) => file.key)).toEqual([dailyAggregatesKey(tenant, day)]);
    const object = await env.EXPORTS.get(dailyAggregatesKey(tenant, day));
    const summary = summarySchema.parse(await object!.json());
    expect(summary).toMatchObject({ view: "daily", from: day, to: day });
    const listing = (await (await getAs(tenant, "/v1/exports?format=aggregates")).json()) as ExportListing;
    expect(listing.files.map((file) => file.key)).toContain(dailyAggregatesKey(tenant, day));
    // The JSON Lines listing is what it was: no Parquet or aggregates file in it.
    const jsonl = (await (await getAs(tenant, "/v1/exports")).json()) as ExportListing;
    expect(jsonl.files.every((file) => file.key.endsWith(".jsonl.gz"))).toBe(true);
  });
});

/** The day compacted, then its export files' manifest rows gone, as the shards' sweep ages them out. */
async function compactThenAgeOut(tenant: string): Promise<{ day: string; key: string; events: number }> {
  const { day, files } = await storeClosedDay(tenant);
  expect((await compact(tenant, day)).status).toBe(200);
  await env.DB.prepare("DELETE FROM export_files WHERE key IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(files.map((file) => file.key)))
    .run();
  return { day, key: parquetKey(tenant, day, 0), events: files.flatMap((file) => file.events).length };
}

describe("a day whose export files the manifest no longer lists keeps its Parquet files", () => {
  it("the admin route refuses it with 409 day_files_unlisted and deletes nothing", async () => {
    const tenant = uniqueTenant("compact-aged");
    const { day, key, events } = await compactThenAgeOut(tenant);
    const response = await compact(tenant, day);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("day_files_unlisted");
    expect(await parquetRows(key)).toHaveLength(events);
    expect((await dayManifest(tenant, day)).parquet.map((file) => file.key)).toEqual([key]);
  });

  it("the cron skips it and deletes nothing", async () => {
    const tenant = uniqueTenant("cron-aged");
    await registerTenant(tenant, { parquet: true });
    const { day, key } = await compactThenAgeOut(tenant);
    await env.DB.prepare("DELETE FROM closed_day_outputs WHERE tenant = ?1").bind(tenant).run();
    await runCron(Date.now());
    expect(await env.EXPORTS.head(key)).not.toBeNull();
    expect((await dayManifest(tenant, day)).parquet.map((file) => file.key)).toEqual([key]);
  });
});

describe("a day past the manifest retention compacts from its R2 objects", () => {
  it("writes every line of the day's stored files once, then keeps the file as it is", async () => {
    const tenant = uniqueTenant("compact-old");
    const noon = noonDaysAgo(40);
    const files = [
      await storeExportFile(tenant, { writtenAt: noon, manifestAgedOut: true }),
      await storeExportFile(tenant, { writtenAt: new Date(noon.getTime() + HOUR_MS), manifestAgedOut: true }),
    ];
    const day = dayOf(noon);
    const events = files.flatMap((file) => file.events);
    expect(await (await compact(tenant, day)).json()).toMatchObject({ files: 1, written: 1, complete: true });
    const rows = await parquetRows(parquetKey(tenant, day, 0));
    expect(rows.map((row) => row.eventid).sort()).toEqual(events.map((event) => event.eventid).sort());
    expect(await (await compact(tenant, day)).json()).toMatchObject({ written: 0, complete: true });
    expect(await env.EXPORTS.head(parquetKey(tenant, day, 0))).not.toBeNull();
  });
});

describe("POST /admin/tenants/{tenant}/compact", () => {
  it("compacts a closed day on demand, whatever the tenant's setting, and says it is complete", async () => {
    const tenant = uniqueTenant("compact-now");
    const { day, files } = await storeClosedDay(tenant);
    const response = await compact(tenant, day);
    expect(response.status).toBe(200);
    const events = files.reduce((sum, file) => sum + file.events.length, 0);
    expect(await response.json()).toEqual({ tenant, day, files: 1, written: 1, events, complete: true });
    expect(await parquetRows(parquetKey(tenant, day, 0))).toHaveLength(events);

    // Again: the file is there and verified, nothing to write.
    expect(await (await compact(tenant, day)).json()).toMatchObject({ written: 0, complete: true });
  });

  it("refuses a day that is not closed yet with 409 day_not_closed", async () => {
    const tenant = uniqueTenant("compact-open");
    const yesterday = dayOf(noonDaysAgo(1));
    const response = await compact(tenant, yesterday);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("day_not_closed");
  });

  it("fails and leaves no Parquet file when an export file has fewer lines than its manifest row says", async () => {
    const tenant = uniqueTenant("compact-short");
    const { day, files } = await storeClosedDay(tenant);
    await env.DB.prepare("UPDATE export_files SET events = events + 1 WHERE key = ?1").bind(files[1]!.key).run();
    const response = await compact(tenant, day);
    expect(response.status).toBe(503);
    expect(await env.EXPORTS.head(parquetKey(tenant, day, 0))).toBeNull();
    expect((await dayManifest(tenant, day)).parquet).toEqual([]);
  });

  it("rejects a day that is not a calendar day", async () => {
    const response = await compact(uniqueTenant("compact-bad"), "2026-02-30");
    expect(response.status).toBe(400);
  });
});
