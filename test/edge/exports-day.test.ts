/**
 * GET /v1/exports/days/{day}: a day folder's files, events by type, first/last event, and whether it is closed.
 * @module
 */
import { describe, expect, it } from "vitest";
import { dayClosesAt, isDayClosed } from "../../src/core/exports/export-day.js";
import type { DayManifest } from "../../src/core/exports/export-listing.js";
import { getAs, queuedSeedEvents, storeExportFile } from "../support/export-files.js";
import { noonDaysAgo } from "../support/time.js";
import { readerToken } from "../support/tokens.js";
import { uniqueTenant } from "../support/tenants.js";

async function manifest(tenant: string, day: string): Promise<DayManifest> {
  const response = await getAs(tenant, `/v1/exports/days/${day}`);
  expect(response.status).toBe(200);
  return (await response.json()) as DayManifest;
}

const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);

describe("the day manifest", () => {
  it("adds up the day's committed files: events by type, bytes, first and last event", async () => {
    const tenant = uniqueTenant("manifest");
    const noon = noonDaysAgo(3);
    const early = await storeExportFile(tenant, {
      writtenAt: noon,
      events: queuedSeedEvents(tenant, new Date(noon.getTime() - 3_600_000), 4),
    });
    const late = await storeExportFile(tenant, { writtenAt: new Date(noon.getTime() + 60_000) });
    await storeExportFile(tenant, { writtenAt: noon, state: "pending" });
    await storeExportFile(tenant, { writtenAt: noonDaysAgo(4) });

    const day = await manifest(tenant, dayOf(noon));
    const expectedTypes: Record<string, number> = {};
    for (const event of [...early.events, ...late.events])
      expectedTypes[event.type] = (expectedTypes[event.type] ?? 0) + 1;
    expect(day).toEqual({
      day: dayOf(noon),
      closed: true,
      closes_at: dayClosesAt(dayOf(noon)).toISOString(),
      files: [early, late].map((file) =>
        expect.objectContaining({ key: file.key, events: file.events.length, etag: file.etag }),
      ),
      events: early.events.length + late.events.length,
      bytes: early.size + late.size,
      types: expectedTypes,
      events_from_earlier_days: 0,
      first: early.events[0]!.receivedat,
      last: late.events.at(-1)!.receivedat,
      // Closed, but no cron has run for it: no Parquet (test/compaction/closed-days.test.ts) or aggregates yet.
      parquet: [],
      aggregates: [],
      deliveries: [],
    });
    // The seed events hold four types (appstart, auth, navigation, play, profile, voice: all six in the full set).
    expect(Object.keys(day.types).sort()).toEqual([
      "appstartevent",
      "authevent",
      "navigationevent",
      "playevent",
      "profileevent",
      "voiceevent",
    ]);
  });

  it("is open today and yesterday (late events may still land), closed from the day before", async () => {
    const tenant = uniqueTenant("closed");
    expect((await manifest(tenant, dayOf(noonDaysAgo(0)))).closed).toBe(false);
    expect((await manifest(tenant, dayOf(noonDaysAgo(1)))).closed).toBe(false);
    expect((await manifest(tenant, dayOf(noonDaysAgo(2)))).closed).toBe(true);
  });

  it("closes exactly 24 hours after the end of the UTC day", () => {
    const closesAt = dayClosesAt("2024-03-18");
    expect(closesAt.toISOString()).toBe("2024-03-20T00:00:00.000Z");
    expect(isDayClosed("2024-03-18", new Date(closesAt.getTime() - 1))).toBe(false);
    expect(isDayClosed("2024-03-18", closesAt)).toBe(true);
  });

  it("of a day without files is empty", async () => {
    const day = await manifest(uniqueTenant("empty"), "2024-03-18");
    expect(day).toMatchObject({ files: [], events: 0, bytes: 0, types: {}, first: null, last: null, closed: true });
  });

  it("shows nothing of another tenant's files", async () => {
    const theirs = uniqueTenant("day-theirs");
    const noon = noonDaysAgo(2);
    await storeExportFile(theirs, { writtenAt: noon });
    expect((await manifest(uniqueTenant("day-mine"), dayOf(noon))).files).toEqual([]);
  });

  it("answers a malformed day with 400 invalid_query and a device token with 403", async () => {
    const tenant = uniqueTenant("day-bad");
    const bad = await getAs(tenant, "/v1/exports/days/2024-02-30");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    const device = await getAs(tenant, "/v1/exports/days/2024-02-03", {}, await readerToken(tenant, "events:write"));
    expect(device.status).toBe(403);
  });
});
