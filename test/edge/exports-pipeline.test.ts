/**
 * The pull API over files the real pipeline wrote: events POSTed to the Worker, exported by its queue consumer,
 * then listed, summed by day and downloaded through the API.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import type { DayManifest, ExportListing } from "../../src/core/exports/export-listing.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { getAs } from "../support/export-files.js";
import { gunzipText } from "../support/export-objects.js";
import { uniqueTenant } from "../support/tenants.js";

describe("files written by the consumer", () => {
  it("are listed with R2's etag, counted by type in the day manifest, and download as written", async () => {
    const sender = senderFor(uniqueTenant("pipeline"));
    const events = seedEvents();
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, events)));
    await deliver(
      asQueuedMessages(
        await acceptedMessageBodies(
          sender,
          events.slice(0, 5).map((event) => ({ ...event, sequencenumber: 100 + Number(event.sequencenumber) })),
        ),
      ),
    );

    const listing = (await (await getAs(sender.tenant, "/v1/exports")).json()) as ExportListing;
    expect(listing.files).toHaveLength(2);
    for (const file of listing.files) {
      const object = await env.EXPORTS.head(file.key);
      expect(file.etag).toBe(object!.etag);
      expect(file.size).toBe(object!.size);
      const download = await getAs(sender.tenant, `/v1/exports/${file.key}`);
      expect(download.headers.get("etag")).toBe(object!.httpEtag);
      const lines = (await gunzipText(await download.arrayBuffer())).trimEnd().split("\n");
      expect(lines).toHaveLength(file.events);
    }

    const day = listing.files[0]!.key.split("/")[3]!;
    const manifest = (await (await getAs(sender.tenant, `/v1/exports/days/${day}`)).json()) as DayManifest;
    const expectedTypes: Record<string, number> = {};
    for (const event of [...events, ...events.slice(0, 5)]) {
      const type = String(event.type);
      expectedTypes[type] = (expectedTypes[type] ?? 0) + 1;
    }
    expect(manifest.types).toEqual(expectedTypes);
    expect(manifest.events).toBe(events.length + 5);
    expect(manifest.closed).toBe(false);
  });

  it("land in the day they were written, and the day manifest counts those that happened on earlier days", async () => {
    const sender = senderFor(uniqueTenant("late"));
    const now = Date.now();
    // Three events a device held back while offline (two, three and four days ago) and one from just now.
    const happened = [4, 3, 2].map((days) => now - days * 24 * 60 * 60 * 1000).concat(now - 1000);
    const events = happened.map((ms, index) => ({
      ...seedEvents()[4],
      sequencenumber: index + 1,
      localtime: new Date(ms).toISOString(),
    }));
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, events)));

    const [file] = ((await (await getAs(sender.tenant, "/v1/exports")).json()) as ExportListing).files;
    const day = file!.key.split("/")[3]!;
    expect(day).toBe(new Date().toISOString().slice(0, 10));
    const lines = (await gunzipText(await (await getAs(sender.tenant, `/v1/exports/${file!.key}`)).arrayBuffer()))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { eventtime: string; eventtimesource: string });
    expect(lines.map((line) => Date.parse(line.eventtime))).toEqual(happened);
    const manifest = (await (await getAs(sender.tenant, `/v1/exports/days/${day}`)).json()) as DayManifest;
    expect(manifest.events).toBe(4);
    expect(manifest.events_from_earlier_days).toBe(3);
  });
});
