/**
 * GET /v1/exports: the caller's committed files in key order, paginated by an opaque cursor, filtered by day.
 * @module
 */
import { describe, expect, it } from "vitest";
import type { ExportListing } from "../../src/core/exports/export-listing.js";
import { DAY_MS, noonDaysAgo } from "../support/time.js";
import { entryOf, getAs, storeExportFile } from "../support/export-files.js";
import { readerToken } from "../support/tokens.js";
import { uniqueTenant } from "../support/tenants.js";
import { callWorker } from "../support/worker.js";

async function listing(tenant: string, query = ""): Promise<ExportListing> {
  const response = await getAs(tenant, `/v1/exports${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ExportListing;
}

describe("listing export files", () => {
  it("lists every committed file with its size, events, first/last receivedat and etag, in key order", async () => {
    const tenant = uniqueTenant("list");
    const stored = [
      await storeExportFile(tenant, { writtenAt: noonDaysAgo(3) }),
      await storeExportFile(tenant, { writtenAt: noonDaysAgo(1) }),
      await storeExportFile(tenant, { writtenAt: new Date(noonDaysAgo(3).getTime() + 60_000) }),
    ];
    const body = await listing(tenant);
    const expected = [...stored].sort((a, b) => (a.key < b.key ? -1 : 1)).map(entryOf);
    expect(body).toEqual({ files: expected, cursor: null });
  });

  it("shows only committed files: never a pending or abandoned one", async () => {
    const tenant = uniqueTenant("committed");
    const committed = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    await storeExportFile(tenant, { writtenAt: noonDaysAgo(2), state: "pending" });
    await storeExportFile(tenant, { writtenAt: noonDaysAgo(2), state: "abandoned" });
    expect((await listing(tenant)).files.map((file) => file.key)).toEqual([committed.key]);
  });

  it("pages through every file exactly once with the cursor", async () => {
    const tenant = uniqueTenant("pages");
    const start = noonDaysAgo(4).getTime();
    const keys: string[] = [];
    for (let index = 0; index < 7; index++) {
      keys.push((await storeExportFile(tenant, { writtenAt: new Date(start + index * 7 * 60 * 60 * 1000) })).key);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ExportListing = await listing(tenant, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.files.length).toBeLessThanOrEqual(3);
      seen.push(...page.files.map((file) => file.key));
      cursor = page.cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys.sort());
  });

  it("filters by the day folder with from and to, both inclusive", async () => {
    const tenant = uniqueTenant("days");
    const files = [];
    for (const days of [5, 4, 3, 2]) files.push(await storeExportFile(tenant, { writtenAt: noonDaysAgo(days) }));
    const dayOf = (daysAgo: number) => noonDaysAgo(daysAgo).toISOString().slice(0, 10);
    const middle = await listing(tenant, `?from=${dayOf(4)}&to=${dayOf(3)}`);
    expect(middle.files.map((file) => file.key)).toEqual([files[1]!.key, files[2]!.key]);
    expect((await listing(tenant, `?from=${dayOf(3)}`)).files.map((file) => file.key)).toEqual([
      files[2]!.key,
      files[3]!.key,
    ]);
    expect((await listing(tenant, `?to=${dayOf(5)}`)).files.map((file) => file.key)).toEqual([files[0]!.key]);
  });

  it("gives the same answer twice for a closed day", async () => {
    const tenant = uniqueTenant("stable");
    const writtenAt = noonDaysAgo(3);
    await storeExportFile(tenant, { writtenAt });
    await storeExportFile(tenant, { writtenAt: new Date(writtenAt.getTime() + DAY_MS) });
    const day = writtenAt.toISOString().slice(0, 10);
    expect(await listing(tenant, `?from=${day}&to=${day}`)).toEqual(await listing(tenant, `?from=${day}&to=${day}`));
  });

  it("lists nothing of another tenant", async () => {
    const mine = uniqueTenant("mine");
    const theirs = uniqueTenant("theirs");
    await storeExportFile(theirs, { writtenAt: noonDaysAgo(2) });
    expect(await listing(mine)).toEqual({ files: [], cursor: null });
  });

  it.each([
    ["from=2024-13-01", /^from must be a date written YYYY-MM-DD/],
    ["to=yesterday", /^to must be a date written YYYY-MM-DD/],
    ["from=2024-02-30", /^from must be a date/],
    ["from=2024-03-02&to=2024-03-01", /from \(2024-03-02\) is after to \(2024-03-01\)/],
    ["limit=0", /^limit must be from 1 to 1000/],
    ["limit=1001", /^limit must be from 1 to 1000/],
    ["limit=ten", /^limit must be a whole number/],
    ["cursor=bm90LWEta2V5", /^cursor is not one this API returned/],
    ["cursor=***", /^cursor is not one this API returned/],
    ["since=2024-01-01", /^Unknown parameter since/],
    ["limit=1&limit=2", /^limit is given more than once/],
  ])("answers ?%s with 400 invalid_query and a message naming the problem", async (query, message) => {
    const response = await getAs(uniqueTenant("bad"), `/v1/exports?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_query");
    expect(body.error.message).toMatch(message);
  });

  it("refuses another tenant's cursor", async () => {
    const theirs = uniqueTenant("cursor-theirs");
    for (let index = 0; index < 2; index++) await storeExportFile(theirs, { writtenAt: noonDaysAgo(2 + index) });
    const { cursor } = await listing(theirs, "?limit=1");
    expect(cursor).not.toBeNull();
    const response = await getAs(uniqueTenant("cursor-mine"), `/v1/exports?cursor=${cursor}`);
    expect(response.status).toBe(400);
  });
});

describe("who may list", () => {
  it("refuses a device token (events:write only) with 403 insufficient_scope", async () => {
    const tenant = uniqueTenant("device");
    const response = await getAs(tenant, "/v1/exports", {}, await readerToken(tenant, "events:write"));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("insufficient_scope");
  });

  it("refuses a request without a token with 401", async () => {
    const response = await callWorker("/v1/exports");
    expect(response.status).toBe(401);
  });
});
