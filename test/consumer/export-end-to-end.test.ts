/**
 * End to end inside workerd: events POSTed through the real Worker come out of R2 as one gzipped JSON Lines
 * file per tenant per batch, each accepted event exactly once.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { eventIdFor } from "../../src/core/events/event-id.js";
import { countEventTypes } from "../../src/core/exports/event-type-counts.js";
import { acceptedMessageBodies, eventsRequest, senderFor } from "../support/ingest.js";
import { eventsOf } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { shardsOf } from "../support/ledger.js";
import {
  committedKeys,
  exportedLines,
  exportKeyPattern,
  listKeys,
  readExportLines,
  readExportText,
} from "../support/export-objects.js";
import { callWorker } from "../support/worker.js";

function byEventId(lines: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...lines].sort((a, b) => String(a.eventid).localeCompare(String(b.eventid)));
}

describe("events posted to the Worker are exported by its queue consumer", () => {
  it("writes every accepted event once, with the device's fields and the server's enrichment", async () => {
    const sender = senderFor(uniqueTenant("e2e"));
    const events = seedEvents();
    const postedAt = new Date();
    const response = await callWorker(await eventsRequest(sender, events));
    expect(response.status).toBe(202);

    await vi.waitUntil(async () => (await listKeys(`${sender.tenant}/`)).length > 0, { timeout: 10_000, interval: 50 });
    const [key, ...others] = await listKeys(`${sender.tenant}/`);
    expect(others).toEqual([]);
    const lines = await readExportLines(key!);

    expect(lines).toHaveLength(events.length);
    const receivedat = lines[0]!.receivedat as string;
    expect(new Date(receivedat).getTime()).toBeGreaterThanOrEqual(postedAt.getTime());
    expect(receivedat).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    for (const [index, event] of events.entries()) {
      const { geo, ...line } = lines[index]!;
      expect(geo === undefined || typeof geo === "object").toBe(true);
      expect(line).toEqual({
        eventid: await eventIdFor({
          ...sender,
          sessionid: event.sessionid as string,
          sequencenumber: event.sequencenumber as number,
        }),
        receivedat,
        // The seed examples' localtime is in 2016: far outside the window, so the event time is receivedat.
        eventtime: receivedat,
        eventtimesource: "received",
        tenant: sender.tenant,
        userid: sender.userid,
        deviceid: sender.deviceid,
        ...event,
      });
    }
  });
});

describe("an export file", () => {
  it("holds the accepted events as newline-terminated JSON lines, byte for byte as the edge queued them", async () => {
    const sender = senderFor(uniqueTenant("bytes"));
    const bodies = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages(bodies));

    const [key] = await listKeys(`${sender.tenant}/`);
    const expected = eventsOf(bodies)
      .map((event) => `${JSON.stringify(event)}\n`)
      .join("");
    expect(await readExportText(key!)).toBe(expected);
  });

  it("is named {tenant}/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{date}T{HH}{MM}_{HHMMSS.mmm of the first event}_{uuid}.jsonl.gz", async () => {
    const sender = senderFor(uniqueTenant("key"));
    const bodies = await acceptedMessageBodies(sender, seedEvents().slice(0, 3));
    const before = new Date();
    await deliver(asQueuedMessages(bodies));
    const after = new Date();

    const [key] = await listKeys(`${sender.tenant}/`);
    const match = exportKeyPattern(sender.tenant).exec(key!);
    expect(match, key).not.toBeNull();
    const [, year, month, day, hour, minute, firstTime] = match!;
    const writtenAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:00.000Z`).getTime();
    expect(writtenAt).toBeGreaterThanOrEqual(Math.floor(before.getTime() / 60_000) * 60_000);
    expect(writtenAt).toBeLessThanOrEqual(after.getTime());
    const firstReceivedAt = eventsOf(bodies)[0]!.receivedat as string;
    expect(firstTime).toBe(firstReceivedAt.slice(11, 23).replace(/:/g, ""));
  });

  it("is stored as application/gzip without Content-Encoding, with its event count and receivedat range", async () => {
    const sender = senderFor(uniqueTenant("meta"));
    const bodies = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages(bodies));

    const [key] = await listKeys(`${sender.tenant}/`);
    const object = await env.EXPORTS.head(key!);
    const events = eventsOf(bodies);
    expect(object!.httpMetadata?.contentType).toBe("application/gzip");
    expect(object!.httpMetadata?.contentEncoding).toBeUndefined();
    expect(object!.customMetadata).toEqual({
      events: String(events.length),
      first_receivedat: events[0]!.receivedat,
      last_receivedat: events.at(-1)!.receivedat,
      // What the pull API lists the file by once its manifest row has aged out (src/edge/exports/stored-files.ts).
      type_counts: JSON.stringify(countEventTypes(events as Array<{ type: string }>)),
      earlier_day_events: "0",
      userid_filter: expect.stringMatching(/^bloom1:[A-Za-z0-9+/]+=*$/),
    });
  });

  it("is listed by its ledger shard's manifest with its size, event count, receivedat range and etag", async () => {
    const sender = senderFor(uniqueTenant("manifest"));
    const bodies = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages(bodies));

    const [key] = await listKeys(`${sender.tenant}/`);
    const object = await env.EXPORTS.head(key!);
    const events = eventsOf(bodies);
    expect(await shardsOf(sender.tenant)[0]!.findFile(key!)).toEqual({
      key,
      size: object!.size,
      events: events.length,
      first: events[0]!.receivedat,
      last: events.at(-1)!.receivedat,
      etag: object!.etag,
    });
  });
});

describe("an event is exported at most once", () => {
  it("two POSTs of the same events give one copy", async () => {
    const sender = senderFor(uniqueTenant("twice"));
    const first = await acceptedMessageBodies(sender, seedEvents());
    const second = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages(first));
    const again = await deliver(asQueuedMessages(second));

    expect(again.retried).toEqual([]);
    expect(await listKeys(`${sender.tenant}/`)).toHaveLength(1);
    expect(byEventId(await exportedLines(sender.tenant))).toEqual(byEventId(eventsOf(first)));
  });

  it("a redelivered batch gives no second copy", async () => {
    const sender = senderFor(uniqueTenant("redeliver"));
    const messages = asQueuedMessages(await acceptedMessageBodies(sender, seedEvents()));
    await deliver(messages);
    const redelivery = await deliver(messages.map((message) => ({ ...message, attempts: 2 })));

    expect(redelivery.acked).toHaveLength(messages.length);
    expect(await listKeys(`${sender.tenant}/`)).toHaveLength(1);
    expect(await exportedLines(sender.tenant)).toHaveLength(seedEvents().length);
  });

  it("duplicates inside one batch collapse to one line, the earliest received copy", async () => {
    const sender = senderFor(uniqueTenant("inbatch"));
    const first = await acceptedMessageBodies(sender, seedEvents());
    const second = await acceptedMessageBodies(sender, seedEvents());
    await deliver(asQueuedMessages([...second, ...first]));

    const lines = await exportedLines(sender.tenant);
    expect(new Set(lines.map((line) => line.eventid)).size).toBe(lines.length);
    expect(byEventId(lines)).toEqual(byEventId(eventsOf(first)));
  });

  it("a file whose earliest events were already exported is named by the earliest event it holds", async () => {
    const sender = senderFor(uniqueTenant("rename"));
    const events = seedEvents();
    const early = await acceptedMessageBodies(sender, events.slice(0, 5));
    await deliver(asQueuedMessages(early));
    let late = await acceptedMessageBodies(sender, events.slice(5));
    // The file name has millisecond precision: the new events must be received in a later millisecond.
    while (eventsOf(late)[0]!.receivedat === eventsOf(early)[0]!.receivedat) {
      late = await acceptedMessageBodies(sender, events.slice(5));
    }
    await deliver(asQueuedMessages([...early, ...late]));

    const keys = await committedKeys(sender.tenant);
    expect(keys).toHaveLength(2);
    const files = await Promise.all(keys.map(async (key) => ({ key, lines: await readExportLines(key) })));
    const lateFile = files.find((file) => file.lines.length === events.length - 5)!;
    const firstTime = (eventsOf(late)[0]!.receivedat as string).slice(11, 23).replace(/:/g, "");
    expect(lateFile.key).toContain(`_${firstTime}_`);
    expect(await listKeys(`${sender.tenant}/`)).toEqual(keys);
  });
});

describe("each consumer batch", () => {
  it("logs one batch line: messages, events in, duplicates dropped, files, bytes, ledger and D1 rows, duration, attempts", async () => {
    const sender = senderFor(uniqueTenant("logline"));
    const first = await acceptedMessageBodies(sender, seedEvents());
    const second = await acceptedMessageBodies(sender, seedEvents());
    const messages = asQueuedMessages([...first, ...second]).map((message, index) => ({
      ...message,
      attempts: index + 2,
    }));
    const log = vi.spyOn(console, "log");

    await deliver(messages);

    const batchLines = log.mock.calls
      .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
      .filter((line) => line.msg === "batch");
    log.mockRestore();
    const [key] = await listKeys(`${sender.tenant}/`);
    expect(batchLines).toHaveLength(1);
    expect(batchLines[0]).toMatchObject({
      messages: 2,
      events_in: 2 * seedEvents().length,
      duplicates_dropped: seedEvents().length,
      files: 1,
      bytes_written: (await env.EXPORTS.head(key!))!.size,
      attempts: 3,
      tenants: 1,
      duration_ms: expect.any(Number),
    });
    // D1's one row written: the tenant's day of usage, which the monthly quota also sums
    // (src/consumer/count-tenant-usage.ts).
    expect(batchLines[0]).toMatchObject({ shard_groups: 1, ledger_calls: 2, d1_rows_written: 1 });
    expect(batchLines[0]!.ledger_rows_read).toBeGreaterThan(0);
    expect(batchLines[0]!.ledger_rows_written).toBeGreaterThan(0);
  });
});
