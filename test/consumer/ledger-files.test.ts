/**
 * A shard's files rows (the manifest and the states of its files) live in day tables `files_yyyymmdd` of their
 * claim's day (src/ledger/shard-files.ts): a file claimed just after midnight, in a batch begun before it, keeps
 * a key of the day before and is still found by it, listed and answers duplicates (and a file written just after
 * midnight but claimed by a shard whose clock still read the day before, in the table of the day before its key's);
 * the listing keeps key order across the tables; the sweep drops a day's table whole once the manifest retention
 * has passed, and keeps a day's runs table while a file of that day is still to sweep.
 * @module
 */
import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import type { DayManifest, ExportListing } from "../../src/core/exports/export-listing.js";
import { utcDay } from "../../src/core/exports/export-key.js";
import { dayOf, dayStartMs } from "../../src/ledger/day-tables.js";
import { expireOld, staleFiles } from "../../src/ledger/shard-sweep.js";
import { MeteredSql } from "../../src/ledger/sql-usage.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "../support/deliver.js";
import { failOnce } from "../support/faults.js";
import { getAs } from "../support/export-files.js";
import { exportedLines, listKeys } from "../support/export-objects.js";
import { acceptedMessageBodies, type Sender, senderFor } from "../support/ingest.js";
import { beforeShardCalls, shardCommittedKeys, shardStats, shardsOf } from "../support/ledger.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../support/time.js";

/** Today's midnight (UTC, epoch ms): the day boundary the tests put files on either side of. */
const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;

/** One file of the seed events numbered from `first`, in a batch begun at `batchAt` and claimed at `claimAt`. */
async function exportFile(sender: Sender, first: number, batchAt: number, claimAt = batchAt): Promise<string> {
  vi.setSystemTime(batchAt);
  const events = seedEvents().map((event, index) => ({ ...event, sequencenumber: first + index }));
  const bodies = await acceptedMessageBodies(sender, events);
  const before = new Set(await listKeys(`${sender.tenant}/`));
  const LEDGER = beforeShardCalls("claim", () => {
    vi.setSystemTime(claimAt);
  });
  await deliverUntilAcked(asQueuedMessages(bodies), () => ({ LEDGER }));
  const [key] = (await listKeys(`${sender.tenant}/`)).filter((each) => !before.has(each));
  return key!;
}

/** The tenant's committed keys as its shard lists them, `limit` per page. */
async function pagedKeys(tenant: string, limit: number): Promise<string[]> {
  const [shard] = shardsOf(tenant);
  const keys: string[] = [];
  for (let afterKey = ""; ; ) {
    const page = await shard!.listFiles({ fromKey: `${tenant}/`, belowKey: `${tenant}/\u{10FFFF}`, afterKey, limit });
    keys.push(...page.map((file) => file.key));
    if (page.length < limit) return keys;
    afterKey = page.at(-1)!.key;
  }
}

async function json<T>(tenant: string, path: string): Promise<T> {
  const response = await getAs(tenant, path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

describe("a file claimed just after midnight with a key of the day before", () => {
  afterEach(() => vi.useRealTimers());

  it("is listed, found by its key, in its day's manifest, and its events are duplicates afterwards", async () => {
    const sender = senderFor(uniqueTenant("midnight"));
    const dayBefore = utcDay(new Date(midnight - DAY_MS));
    vi.useFakeTimers({ toFake: ["Date"] });
    const key = await exportFile(sender, 1, midnight - MINUTE_MS, midnight + MINUTE_MS);
    expect(key).toContain(`/${dayBefore}/${dayBefore}T2359_`);
    expect((await shardStats(sender.tenant))[0]!.fileTables).toEqual({ [`files_${dayOf(midnight)}`]: 1 });

    expect((await json<ExportListing>(sender.tenant, "/v1/exports")).files.map((file) => file.key)).toEqual([key]);
    const oneDay = `/v1/exports?from=${dayBefore}&to=${dayBefore}`;
    expect((await json<ExportListing>(sender.tenant, oneDay)).files.map((file) => file.key)).toEqual([key]);
    expect((await getAs(sender.tenant, `/v1/exports/${key}`)).status).toBe(200);
    const day = await json<DayManifest>(sender.tenant, `/v1/exports/days/${dayBefore}`);
    expect(day.files.map((file) => file.key)).toEqual([key]);

    // The same events again, a batch later: nothing new is written.
    await exportFile(sender, 1, midnight + 5 * MINUTE_MS);
    expect(await listKeys(`${sender.tenant}/`)).toEqual([key]);
    expect(await exportedLines(sender.tenant)).toHaveLength(seedEvents().length);
  });
});

describe("a file written just after midnight and claimed when the shard's clock still read the day before", () => {
  afterEach(() => vi.useRealTimers());

  it("is in the table of the day before its key's, commits at the first attempt, is listed and found by its key", async () => {
    const sender = senderFor(uniqueTenant("skewed"));
    const day = utcDay(new Date(midnight));
    vi.useFakeTimers({ toFake: ["Date"] });
    // The shard's clock trails the consumer's by 3 ms across midnight.
    vi.setSystemTime(midnight + 2);
    const bodies = await acceptedMessageBodies(sender, seedEvents());
    const LEDGER = beforeShardCalls("claim", () => {
      vi.setSystemTime(midnight - 1);
    });

    expect((await deliver(asQueuedMessages(bodies), { LEDGER })).retried).toEqual([]);

    const [key] = await listKeys(`${sender.tenant}/`);
    expect(key).toContain(`/${day}/${day}T0000_`);
    expect((await shardStats(sender.tenant))[0]!.fileTables).toEqual({ [`files_${dayOf(midnight - 1)}`]: 1 });
    expect(await shardsOf(sender.tenant)[0]!.findFile(key!)).toMatchObject({ key });
    const oneDay = `/v1/exports?from=${day}&to=${day}`;
    expect((await json<ExportListing>(sender.tenant, oneDay)).files.map((file) => file.key)).toEqual([key]);
    const manifest = await json<DayManifest>(sender.tenant, `/v1/exports/days/${day}`);
    expect(manifest.files.map((file) => file.key)).toEqual([key]);
  });
});

describe("the listing across the files tables of two days", () => {
  afterEach(() => vi.useRealTimers());

  it("is in key order, also page by page, though one table holds keys on either side of the other's", async () => {
    const sender = senderFor(uniqueTenant("two-tables"));
    vi.useFakeTimers({ toFake: ["Date"] });
    const seeds = seedEvents().length;
    // In files_{day before}: the 23:58 file. In files_{today}: the 23:59 file claimed after midnight, and 00:02's.
    const files = [
      await exportFile(sender, 1, midnight - 2 * MINUTE_MS),
      await exportFile(sender, 1 + seeds, midnight - MINUTE_MS, midnight + MINUTE_MS),
      await exportFile(sender, 1 + 2 * seeds, midnight + 2 * MINUTE_MS),
    ];
    expect([...files].sort()).toEqual(files);
    expect((await shardStats(sender.tenant))[0]!.fileTables).toEqual({
      [`files_${dayOf(midnight - DAY_MS)}`]: 1,
      [`files_${dayOf(midnight)}`]: 2,
    });

    expect(await shardCommittedKeys(sender.tenant)).toEqual(files);
    expect(await pagedKeys(sender.tenant, 1)).toEqual(files);
    const dayBefore = utcDay(new Date(midnight - DAY_MS));
    const oneDay = await json<ExportListing>(sender.tenant, `/v1/exports?from=${dayBefore}&to=${dayBefore}`);
    expect(oneDay.files.map((file) => file.key)).toEqual(files.slice(0, 2));
  });
});

describe("a shard with more files day tables than one statement reads", () => {
  afterEach(() => vi.useRealTimers());

  it("lists, pages and finds its files in key order, and sweeps", async () => {
    const sender = senderFor(uniqueTenant("week-tables"));
    vi.useFakeTimers({ toFake: ["Date"] });
    const seeds = seedEvents().length;
    const files: string[] = [];
    for (let day = 7; day >= 1; day--) {
      files.push(await exportFile(sender, 1 + day * seeds, midnight - day * DAY_MS + HOUR_MS));
    }
    vi.useRealTimers();
    expect(Object.keys((await shardStats(sender.tenant))[0]!.fileTables)).toHaveLength(7);

    expect(await pagedKeys(sender.tenant, 2)).toEqual(files);
    expect(await pagedKeys(sender.tenant, 100)).toEqual(files);
    const listed: string[] = [];
    for (let cursor = ""; ; ) {
      const page = await json<ExportListing>(sender.tenant, `/v1/exports?limit=3${cursor && `&cursor=${cursor}`}`);
      listed.push(...page.files.map((file) => file.key));
      if (page.cursor === null) break;
      cursor = page.cursor;
    }
    expect(listed).toEqual(files);
    const [shard] = shardsOf(sender.tenant);
    for (const key of files) expect(await shard!.findFile(key)).toMatchObject({ key });
    expect(await shard!.sweep(Date.now())).toMatchObject({ filesSwept: 0, fileTablesDropped: [] });
  });
});

describe("the sweep ages a files day table out whole", () => {
  it("drops it only once its day is past the manifest retention, writing no row for its files", async () => {
    const retentionMs = Number(env.MANIFEST_RETENTION_DAYS) * DAY_MS;
    const kept = senderFor(uniqueTenant("files-kept"));
    const dropped = senderFor(uniqueTenant("files-dropped"));
    for (const sender of [kept, dropped]) {
      await deliverUntilAcked(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    }
    const [table] = Object.keys((await shardStats(dropped.tenant))[0]!.fileTables);
    expect(table).toMatch(/^files_\d{8}$/);
    const dayEnd = dayStartMs(table!.slice("files_".length)) + DAY_MS;
    const [shard] = shardsOf(dropped.tenant);
    // A first sweep folds the minute rollups, so that the next writes only its own mark.
    await shard!.sweep(Date.now() + 2 * DAY_MS);

    const [keptOutcome] = await Promise.all(shardsOf(kept.tenant).map((each) => each.sweep(dayEnd + retentionMs - 1)));
    const droppedOutcome = await shard!.sweep(dayEnd + retentionMs);

    expect(keptOutcome!.fileTablesDropped).toEqual([]);
    expect(await shardCommittedKeys(kept.tenant)).toHaveLength(1);
    expect(droppedOutcome).toMatchObject({ fileTablesDropped: [table], filesExpired: 0 });
    // The sweep's mark in meta: nothing for the file (nor for its runs, whose day table goes too).
    expect(droppedOutcome.usage.rowsWritten).toBe(1);
    expect((await shardStats(dropped.tenant))[0]!.fileTables).toEqual({});
    expect(await shardCommittedKeys(dropped.tenant)).toEqual([]);
  });
});

describe("a day with a file still to sweep keeps its runs table", () => {
  it("past the window, so that the hourly sweep still finds the file, and drops it once the file is swept", async () => {
    const sender = senderFor(uniqueTenant("unsettled"));
    // The Worker "dies" after writing: the file stays pending with its object.
    const bodies = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages(bodies), { EXPORTS: failOnce(env.EXPORTS, "put", "after").binding });
    const [orphan] = await listKeys(`${sender.tenant}/`);
    const [runTable] = Object.keys((await shardStats(sender.tenant))[0]!.runTables);
    const pastWindow = dayStartMs(runTable!.slice("runs_".length)) + (1 + Number(env.DEDUPE_WINDOW_DAYS)) * DAY_MS;
    const [shard] = shardsOf(sender.tenant);

    await runInDurableObject(shard!, (_, state) => {
      const sql = new MeteredSql(state.storage.sql);
      const retention = {
        dedupeWindowDays: Number(env.DEDUPE_WINDOW_DAYS),
        manifestRetentionDays: Number(env.MANIFEST_RETENTION_DAYS),
      };
      // The daily step of a sweep whose R2 deletes failed: the file was not swept, so its day's runs stay.
      expect(expireOld(sql, pastWindow, retention).runTablesDropped).toEqual([]);
      expect(staleFiles(sql, pastWindow)).toMatchObject([{ key: orphan }]);
    });
    const swept = await shard!.sweep(pastWindow + DAY_MS);

    expect(swept).toMatchObject({ filesSwept: 1, runTablesDropped: [runTable] });
    expect(await listKeys(`${sender.tenant}/`)).toEqual([]);
  });
});
