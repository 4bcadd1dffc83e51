/**
 * Files past the manifest's retention (MANIFEST_RETENTION_DAYS, 31): their rows have aged out of the ledger shards,
 * but the files are still in R2, so the pull API still lists them, describes their day and serves them, from the
 * objects themselves.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DayManifest, ExportListing } from "../../src/core/exports/export-listing.js";
import { utcDay } from "../../src/core/exports/export-key.js";
import { countEventTypes } from "../../src/core/exports/event-type-counts.js";
import { entryOf, getAs, queuedSeedEvents, type StoredFile, storeExportFile } from "../support/export-files.js";
import { requestErasure, runErasure } from "../support/erasures.js";
import { noonDaysAgo } from "../support/time.js";
import { uniqueTenant } from "../support/tenants.js";

async function json<T>(tenant: string, path: string): Promise<T> {
  const response = await getAs(tenant, path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

/** A file whose manifest row aged out: the object alone, as the consumer wrote it. */
function agedOut(tenant: string, daysAgo: number, minute = 0): Promise<StoredFile> {
  const writtenAt = new Date(noonDaysAgo(daysAgo).getTime() + minute * 60_000);
  return storeExportFile(tenant, {
    writtenAt,
    events: queuedSeedEvents(tenant, writtenAt).slice(0, 3 + minute),
    manifestAgedOut: true,
  });
}

const byKey = (files: readonly StoredFile[]) => [...files].sort((a, b) => (a.key < b.key ? -1 : 1));

describe("a day past the manifest retention", () => {
  it("is still listed with its files, sizes, events and ETags, beside the days the shards still list", async () => {
    const tenant = uniqueTenant("old-list");
    const old = [await agedOut(tenant, 40), await agedOut(tenant, 40, 1), await agedOut(tenant, 45)];
    const recent = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });

    const all = await json<ExportListing>(tenant, "/v1/exports");
    expect(all).toEqual({ files: byKey([...old, recent]).map(entryOf), cursor: null });
    const day = utcDay(noonDaysAgo(40));
    const oneDay = await json<ExportListing>(tenant, `/v1/exports?from=${day}&to=${day}`);
    expect(oneDay.files.map((file) => file.key)).toEqual(byKey(old.slice(0, 2)).map((file) => file.key));
  });

  it("is paged with the cursor across old and recent days, every file once", async () => {
    const tenant = uniqueTenant("old-pages");
    const files = [
      await agedOut(tenant, 50),
      await agedOut(tenant, 40),
      await agedOut(tenant, 40, 1),
      await storeExportFile(tenant, { writtenAt: noonDaysAgo(1) }),
    ];
    const keys: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: ExportListing = await json(tenant, `/v1/exports?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      keys.push(...page.files.map((file) => file.key));
      cursor = page.cursor;
    }
    expect(keys).toEqual(byKey(files).map((file) => file.key));
  });

  it("has a day manifest with its files, events by type and totals", async () => {
    const tenant = uniqueTenant("old-day");
    const files = byKey([await agedOut(tenant, 35), await agedOut(tenant, 35, 2)]);
    const day = utcDay(noonDaysAgo(35));

    const manifest = await json<DayManifest>(tenant, `/v1/exports/days/${day}`);
    expect(manifest.files).toEqual(files.map(entryOf));
    expect(manifest.events).toBe(files.reduce((sum, file) => sum + file.events.length, 0));
    expect(manifest.types).toEqual(countEventTypes(files.flatMap((file) => file.events)));
    expect(manifest.closed).toBe(true);
  });

  it("serves its files by key, with their ETag", async () => {
    const tenant = uniqueTenant("old-get");
    const file = await agedOut(tenant, 60);

    const response = await getAs(tenant, `/v1/exports/${file.key}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${file.etag}"`);
    expect(new Uint8Array(await response.arrayBuffer()).byteLength).toBe(file.size);
    expect((await getAs(tenant, `/v1/exports/${file.key}`, { "if-none-match": `"${file.etag}"` })).status).toBe(304);
  });

  it("lists only export files: another object in a day folder, or another tenant's, is not one", async () => {
    const tenant = uniqueTenant("old-stray");
    const file = await agedOut(tenant, 40);
    const folder = file.key.slice(0, file.key.lastIndexOf("/") + 1);
    await env.EXPORTS.put(`${folder}notes.txt`, "not an export file");
    await agedOut(`${tenant}x`, 40);

    expect((await json<ExportListing>(tenant, "/v1/exports")).files).toEqual([entryOf(file)]);
    expect((await getAs(tenant, `/v1/exports/${folder}notes.txt`)).status).toBe(404);
  });
});

describe("an erasure of a user from files past the retention", () => {
  it("shows in the listing and the day manifest: new ETags, sizes, events and types; an emptied file gone", async () => {
    const tenant = uniqueTenant("old-erase");
    const writtenAt = noonDaysAgo(40);
    const userEvents = (userid: string, count: number) =>
      queuedSeedEvents(tenant, writtenAt, count).map((event) => ({ ...event, userid }));
    const mixed = await storeExportFile(tenant, {
      writtenAt,
      events: [...userEvents("erased", 2), ...userEvents("kept", 3)],
      manifestAgedOut: true,
    });
    const only = await storeExportFile(tenant, { writtenAt, events: userEvents("erased", 2), manifestAgedOut: true });

    await runErasure(await requestErasure(tenant, { userid: "erased" }));

    const head = await env.EXPORTS.head(mixed.key);
    const kept = mixed.events.slice(2);
    expect((await json<ExportListing>(tenant, "/v1/exports")).files).toEqual([
      { ...entryOf(mixed), etag: head!.etag, size: head!.size, events: kept.length },
    ]);
    expect(head!.etag).not.toBe(mixed.etag);
    const manifest = await json<DayManifest>(tenant, `/v1/exports/days/${utcDay(writtenAt)}`);
    expect(manifest.files.map((file) => file.key)).toEqual([mixed.key]);
    expect(manifest.types).toEqual(countEventTypes(kept));
    expect((await getAs(tenant, `/v1/exports/${only.key}`)).status).toBe(404);
  });
});
