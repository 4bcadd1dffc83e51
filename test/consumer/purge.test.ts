/**
 * Ageing out the dedupe record: a ledger shard's sweep (its alarm) forgets runs older than DEDUPE_WINDOW_DAYS and
 * deletes the objects of files that never committed once no attempt can still be working on them; the cron
 * does the same for the D1 claims of before the shards (each hourly run purges one slice of the eventid range,
 * so within a day after the window).
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { claimSliceAt } from "../../src/consumer/purge-exports.js";
import { CLAIM_SLICES, claimSliceRanges } from "../../src/consumer/sweep-ledger.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "../support/deliver.js";
import { committedKeys, exportedLines, listKeys } from "../support/export-objects.js";
import { failOnce } from "../support/faults.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS, HOUR_MS } from "../support/time.js";
import { runCron } from "../support/worker.js";
import { runCronForADay } from "../support/cron.js";
import { shardStats, shardsOf, sweepShardsAt } from "../support/ledger.js";
import { dayStartMs } from "../../src/ledger/day-tables.js";

async function claimsOf(eventids: readonly string[]): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT eventid FROM event_claims WHERE eventid IN (SELECT value FROM json_each(?))",
  )
    .bind(JSON.stringify(eventids))
    .all<{ eventid: string }>();
  return rows.results.map((row) => row.eventid).sort();
}

/** The slice whose ranges hold `eventid` (exactly one does). */
function slicesHolding(eventid: string): number[] {
  const slices = Array.from({ length: CLAIM_SLICES }, (_, slice) => slice);
  return slices.filter((slice) =>
    claimSliceRanges(slice).some((range) => eventid >= range.from && eventid < range.below),
  );
}

/** A random event id that the run at `scheduledTime` purges. */
function idPurgedAt(scheduledTime: number): string {
  for (;;) {
    const eventid = crypto.randomUUID();
    if (slicesHolding(eventid)[0] === claimSliceAt(scheduledTime)) return eventid;
  }
}

async function insertClaim(eventid: string, claimedAt: number): Promise<void> {
  await env.DB.prepare("INSERT INTO event_claims (eventid, file_key, claimed_at) VALUES (?, 'a-file', ?)")
    .bind(eventid, claimedAt)
    .run();
}

async function fileRows(tenant: string): Promise<{ key: string; state: string }[]> {
  const rows = await env.DB.prepare("SELECT key, state FROM export_files WHERE tenant = ? ORDER BY key")
    .bind(tenant)
    .all<{ key: string; state: string }>();
  return rows.results;
}

describe("the D1 claims of before the shards expire after the dedupe window", () => {
  it("purges claims older than DEDUPE_WINDOW_DAYS within a day of hourly runs and keeps newer ones", async () => {
    const now = Date.now();
    const windowDays = Number(env.DEDUPE_WINDOW_DAYS);
    const expired = Array.from({ length: 50 }, () => crypto.randomUUID());
    const kept = Array.from({ length: 50 }, () => crypto.randomUUID());
    await Promise.all([
      ...expired.map((eventid) => insertClaim(eventid, now - windowDays * DAY_MS - HOUR_MS)),
      ...kept.map((eventid) => insertClaim(eventid, now - (windowDays - 1) * DAY_MS)),
    ]);

    await runCronForADay(now);

    expect(await claimsOf([...expired, ...kept])).toEqual([...kept].sort());
  });

  it("purges in each run only the slice of the eventid range that belongs to its hour", async () => {
    const now = Date.now();
    const long = now - (Number(env.DEDUPE_WINDOW_DAYS) + 2) * DAY_MS;
    const thisRun = idPurgedAt(now);
    const nextRun = idPurgedAt(now + HOUR_MS);
    await insertClaim(thisRun, long);
    await insertClaim(nextRun, long);

    await runCron(now);
    expect(await claimsOf([thisRun, nextRun])).toEqual([nextRun]);

    await runCron(now + HOUR_MS);
    expect(await claimsOf([thisRun, nextRun])).toEqual([]);
  });

  it("never purges a claim before the window has passed, whichever slice runs", async () => {
    const now = Date.now();
    const young = idPurgedAt(now);
    await insertClaim(young, now - Number(env.DEDUPE_WINDOW_DAYS) * DAY_MS + HOUR_MS);

    await runCron(now);

    expect(await claimsOf([young])).toEqual([young]);
  });
});

describe("a ledger shard forgets what it exported once the dedupe window has passed", () => {
  it("drops a resend days later, and exports it again once the window has passed", async () => {
    const tenant = uniqueTenant("expired");
    const sender = senderFor(tenant);
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    const windowDays = Number(env.DEDUPE_WINDOW_DAYS);

    await sweepShardsAt(tenant, Date.now() + (windowDays - 1) * DAY_MS);
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    expect(await committedKeys(tenant)).toHaveLength(1);

    await sweepShardsAt(tenant, Date.now() + (windowDays + 1) * DAY_MS);
    expect((await shardStats(tenant))[0]!.runs).toBe(0);
    await deliver(asQueuedMessages(await acceptedMessageBodies(sender, seedEvents())));
    expect(await committedKeys(tenant)).toHaveLength(2);
  });

  it("drops a day's run table whole once the day ended a window ago, never earlier, and writes no row for it", async () => {
    const windowMs = Number(env.DEDUPE_WINDOW_DAYS) * DAY_MS;
    const kept = senderFor(uniqueTenant("day-kept"));
    const dropped = senderFor(uniqueTenant("day-dropped"));
    // Gaps: five runs, which deleting one by one would have written five rows for.
    const events = seedEvents().map((event, index) => ({ ...event, sequencenumber: 2 * index + 1 }));
    for (const sender of [kept, dropped]) {
      await deliver(asQueuedMessages(await acceptedMessageBodies(sender, events.slice(0, 5))));
    }
    const [stats] = await shardStats(dropped.tenant);
    expect(Object.values(stats!.runTables)).toEqual([5]);
    const [table] = Object.keys(stats!.runTables);
    const dayEnd = dayStartMs(table!.slice("runs_".length)) + DAY_MS;
    const [shard] = shardsOf(dropped.tenant);
    // A first sweep ages out the minute rollups, so that the next writes only its own mark.
    await shard!.sweep(Date.now() + 2 * DAY_MS);

    const [keptOutcome] = await Promise.all(shardsOf(kept.tenant).map((each) => each.sweep(dayEnd + windowMs - 1)));
    const droppedOutcome = await shard!.sweep(dayEnd + windowMs);

    expect(keptOutcome!.runTablesDropped).toEqual([]);
    expect((await shardStats(kept.tenant))[0]!.runs).toBe(5);
    await deliver(asQueuedMessages(await acceptedMessageBodies(kept, events.slice(0, 5))));
    expect(await committedKeys(kept.tenant)).toHaveLength(1);
    expect(droppedOutcome).toMatchObject({ runTablesDropped: [table], runsExpired: 0, holdsAnything: true });
    // The sweep's mark in meta: none of the five runs.
    expect(droppedOutcome.usage.rowsWritten).toBe(1);
    expect((await shardStats(dropped.tenant))[0]!.runTables).toEqual({});
  });
});

describe("the slices of the eventid range", () => {
  it("hold every id in exactly one slice, lower or upper case, at the ends of the range too", () => {
    const edges = ["00000000-0000-5000-8000-000000000000", "ffffffff-ffff-5fff-bfff-ffffffffffff", ""];
    const random = Array.from({ length: 200 }, () => crypto.randomUUID());
    const upper = random.slice(0, 20).map((eventid) => eventid.toUpperCase());

    for (const eventid of [...edges, ...random, ...upper]) expect(slicesHolding(eventid), eventid).toHaveLength(1);
  });

  it("spread random ids evenly: no slice holds more than twice its share", () => {
    const counts = new Array<number>(CLAIM_SLICES).fill(0);
    const total = 4_800;
    for (let index = 0; index < total; index++) counts[slicesHolding(crypto.randomUUID())[0]!]!++;

    expect(Math.max(...counts)).toBeLessThan((2 * total) / CLAIM_SLICES);
    expect(Math.min(...counts)).toBeGreaterThan(total / CLAIM_SLICES / 2);
  });

  it("are taken one per hour of the day", () => {
    const midnight = Date.UTC(2026, 10, 26);

    const slices = Array.from({ length: 24 }, (_, hour) => claimSliceAt(midnight + hour * HOUR_MS + 17 * 60_000));

    expect(new Set(slices).size).toBe(CLAIM_SLICES);
    expect(claimSliceAt(midnight + DAY_MS)).toBe(claimSliceAt(midnight));
  });
});

describe("files that never committed are swept", () => {
  it("a shard deletes the object of a file pending for over an hour, and leaves committed files alone", async () => {
    const tenant = uniqueTenant("sweep");
    const committedTenant = uniqueTenant("kept");
    const bodies = await acceptedMessageBodies(senderFor(tenant), seedEvents());
    await deliver(asQueuedMessages(await acceptedMessageBodies(senderFor(committedTenant), seedEvents())));
    const messages = asQueuedMessages(bodies);
    // The Worker "dies" after writing: the file stays pending with its object and its runs.
    await deliver(messages, { EXPORTS: failOnce(env.EXPORTS, "put", "after").binding });
    const [orphan] = await listKeys(`${tenant}/`);
    expect(orphan).toBeDefined();

    await sweepShardsAt(tenant, Date.now() + HOUR_MS / 2);
    expect(await listKeys(`${tenant}/`)).toEqual([orphan]);

    await sweepShardsAt(tenant, Date.now() + 2 * HOUR_MS);
    await sweepShardsAt(committedTenant, Date.now() + 2 * HOUR_MS);
    expect(await listKeys(`${tenant}/`)).toEqual([]);
    expect(await committedKeys(tenant)).toEqual([]);
    expect(await exportedLines(committedTenant)).toHaveLength(seedEvents().length);

    // The messages come back; the new attempt takes the swept file's runs over and exports the events once.
    await deliverUntilAcked(messages.map((message) => ({ ...message, attempts: 2 })));
    expect(await exportedLines(tenant)).toHaveLength(seedEvents().length);
    expect(await listKeys(`${tenant}/`)).toEqual(await committedKeys(tenant));
  });

  it("the cron deletes the object and row of a D1 file of before the shards pending for over an hour", async () => {
    const tenant = uniqueTenant("legacy-sweep");
    const key = `${tenant}/2026/2026-11/2026-11-24/2026-11-24T0000_000000.000_${crypto.randomUUID()}.jsonl.gz`;
    await env.EXPORTS.put(key, "orphan");
    await env.DB.prepare(
      "INSERT INTO export_files (key, tenant, day, state, created_at) VALUES (?1, ?2, '2026-11-24', 'pending', ?3)",
    )
      .bind(key, tenant, Date.now())
      .run();

    await runCron(Date.now() + 2 * HOUR_MS);

    expect(await listKeys(`${tenant}/`)).toEqual([]);
    expect(await fileRows(tenant)).toEqual([]);
  });

  it("logs one purge line with what it removed and the D1 rows it read and wrote", async () => {
    const log = vi.spyOn(console, "log");
    const now = Date.now();
    await insertClaim(idPurgedAt(now), 0);

    await runCron(now);

    const purgeLines = log.mock.calls
      .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
      .filter((line) => line.msg === "purge");
    expect(purgeLines).toHaveLength(1);
    expect(purgeLines[0]).toMatchObject({
      claim_slice: claimSliceAt(now),
      claims_purged: expect.any(Number),
      files_swept: expect.any(Number),
    });
    expect(purgeLines[0]!.claims_purged).toBeGreaterThanOrEqual(1);
    expect(purgeLines[0]!.d1_rows_written).toBeGreaterThanOrEqual(1);
    log.mockRestore();
  });
});
