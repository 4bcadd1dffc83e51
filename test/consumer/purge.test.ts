// The cron job: dedupe claims expire after DEDUPE_WINDOW_DAYS, and files that never committed are swept
// (object, claims, row) once no attempt can still be working on them.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "./support/deliver.js";
import { committedKeys, exportedLines, listKeys } from "./support/export-objects.js";
import { failOnce } from "./support/faults.js";
import { acceptedMessageBodies, eventsOf, senderFor, uniqueTenant } from "./support/ingest.js";
import { HOUR_MS, runCronAt } from "./support/sweep.js";

const DAY_MS = 24 * HOUR_MS;

async function claimsOf(eventids: readonly string[]): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT eventid FROM event_claims WHERE eventid IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(eventids))
    .all<{ eventid: string }>();
  return rows.results.map((row) => row.eventid).sort();
}

async function fileRows(tenant: string): Promise<{ key: string; state: string }[]> {
  const rows = await env.DB.prepare("SELECT key, state FROM export_files WHERE tenant = ? ORDER BY key").bind(tenant).all<{ key: string; state: string }>();
  return rows.results;
}

describe("dedupe claims expire after the dedupe window", () => {
  it("purges claims older than DEDUPE_WINDOW_DAYS and keeps newer ones", async () => {
    const now = Date.now();
    const windowDays = Number(env.DEDUPE_WINDOW_DAYS);
    const [expired, kept] = [crypto.randomUUID(), crypto.randomUUID()];
    await env.DB.batch([
      env.DB.prepare("INSERT INTO event_claims (eventid, file_key, claimed_at) VALUES (?, 'a-file', ?)").bind(expired, now - (windowDays + 1) * DAY_MS),
      env.DB.prepare("INSERT INTO event_claims (eventid, file_key, claimed_at) VALUES (?, 'a-file', ?)").bind(kept, now - (windowDays - 1) * DAY_MS),
    ]);

    await runCronAt(now);

    expect(await claimsOf([expired, kept])).toEqual([kept]);
  });

  it("exports an event again once its claim has expired", async () => {
    const tenant = uniqueTenant("expired");
    const sender = senderFor(tenant);
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));

    await runCronAt(Date.now() + (Number(env.DEDUPE_WINDOW_DAYS) + 1) * DAY_MS);
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));

    expect(await committedKeys(tenant)).toHaveLength(2);
  });
});

describe("files that never committed are swept", () => {
  it("deletes the object, claims and row of a file pending for over an hour, and leaves committed files alone", async () => {
    const tenant = uniqueTenant("sweep");
    const committedTenant = uniqueTenant("kept");
    const bodies = await acceptedMessageBodies(senderFor(tenant), seedEvents());
    const eventids = eventsOf(bodies).map((event) => event.eventid as string);
    await deliver(asQueuedMessages(await acceptedMessageBodies(senderFor(committedTenant), seedEvents())));
    const messages = asQueuedMessages(bodies);
    // The Worker "dies" after writing: the file stays pending with its object and claims.
    await deliver(messages, { EXPORTS: failOnce(env.EXPORTS, "put", "after").binding });
    const [orphan] = await listKeys(`${tenant}/`);
    expect(await fileRows(tenant)).toEqual([{ key: orphan, state: "pending" }]);

    await runCronAt(Date.now() + HOUR_MS / 2);
    expect(await listKeys(`${tenant}/`)).toEqual([orphan]);

    await runCronAt(Date.now() + 2 * HOUR_MS);
    expect(await listKeys(`${tenant}/`)).toEqual([]);
    expect(await fileRows(tenant)).toEqual([]);
    expect(await claimsOf(eventids)).toEqual([]);
    expect(await exportedLines(committedTenant)).toHaveLength(seedEvents().length);

    // The messages come back; the events are exported once after all.
    await deliverUntilAcked(messages.map((message) => ({ ...message, attempts: 2 })));
    expect(await exportedLines(tenant)).toHaveLength(seedEvents().length);
  });

  it("logs one purge line with what it removed and the D1 rows it read and wrote", async () => {
    const log = vi.spyOn(console, "log");
    await env.DB.prepare("INSERT INTO event_claims (eventid, file_key, claimed_at) VALUES (?, 'old-file', 0)").bind(crypto.randomUUID()).run();

    await runCronAt(Date.now());

    const purgeLines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).filter((line) => line.msg === "purge");
    expect(purgeLines).toHaveLength(1);
    expect(purgeLines[0]).toMatchObject({ claims_purged: expect.any(Number), files_swept: expect.any(Number) });
    expect(purgeLines[0]!.claims_purged).toBeGreaterThanOrEqual(1);
    expect(purgeLines[0]!.d1_rows_written).toBeGreaterThanOrEqual(1);
    log.mockRestore();
  });
});
