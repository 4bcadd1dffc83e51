/**
 * Exactly once through the sharded ledger (src/ledger/): a session's sequence numbers are recorded as runs, so
 * resends in any order, with gaps, from pathological devices or across several shards of a tenant are each
 * exported once, also across a change of the tenant's shard count and across days (runs are kept in day tables),
 * the ledger grows only with what was sent, and the D1 claims and the legacy runs table of before still count.
 * @module
 */
import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { sessionKey, shardOfSession } from "../../src/core/exports/ledger-shards.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "../support/deliver.js";
import { committedKeys, exportedLines, listKeys } from "../support/export-objects.js";
import { acceptedMessageBodies, type Sender, senderFor } from "../support/ingest.js";
import { failingShardCall } from "../support/faults.js";
import { beforeShardCalls, shardCommittedKeys, shardStats, shardsOf, sweepShardsAt } from "../support/ledger.js";
import { eventsOf } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../support/time.js";
import { dayOf } from "../../src/ledger/day-tables.js";
import { ensureShardSchema } from "../../src/ledger/shard-schema.js";

const SESSION = "5f71e09784354cfabd8253fe24d6b701";

/** Events of one session with the given sequence numbers (the seed examples, cycled). */
function sessionEvents(sequenceNumbers: readonly number[], sessionid = SESSION): Record<string, unknown>[] {
  const seeds = seedEvents();
  return sequenceNumbers.map((sequencenumber, index) => ({
    ...seeds[index % seeds.length],
    sessionid,
    sequencenumber,
  }));
}

async function send(sender: Sender, events: readonly Record<string, unknown>[], bindings: Partial<Env> = {}) {
  const bodies = await acceptedMessageBodies(sender, events);
  await deliverUntilAcked(asQueuedMessages(bodies), () => bindings);
  return eventsOf(bodies);
}

/** The exported lines' (user, device, session, sequence number), sorted; fails on any line exported twice. */
async function exportedOnce(tenant: string): Promise<string[]> {
  const ids = (await exportedLines(tenant)).map((line) => line.eventid as string);
  expect(new Set(ids).size).toBe(ids.length);
  return ids.sort();
}

const idsOf = (events: readonly Record<string, unknown>[]) =>
  [...new Set(events.map((e) => e.eventid as string))].sort();

describe("a session's sequence numbers are exported once, however they arrive", () => {
  it("out of order and resent in another order", async () => {
    const sender = senderFor(uniqueTenant("order"));
    const first = await send(sender, sessionEvents([5, 3, 1, 9]));
    const second = await send(sender, sessionEvents([2, 9, 4, 1, 5, 3]));

    expect(await exportedOnce(sender.tenant)).toEqual(idsOf([...first, ...second]));
    expect(await committedKeys(sender.tenant)).toHaveLength(2);
  });

  it("with gaps that are filled later", async () => {
    const sender = senderFor(uniqueTenant("gaps"));
    const first = await send(sender, sessionEvents([1, 2, 3, 10, 11, 20]));
    const second = await send(sender, sessionEvents([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 19, 20, 21]));

    expect(await exportedOnce(sender.tenant)).toEqual(idsOf([...first, ...second]));
    // Runs: {1-3, 10-11, 20} then {4-9, 12, 19, 21}.
    expect((await shardStats(sender.tenant))[0]!.runs).toBe(7);
  });

  it("from two devices of one user that use the same session id: each device's events count on their own", async () => {
    const tenant = uniqueTenant("devices");
    const phone = { ...senderFor(tenant), deviceid: "phone" };
    const speaker = { ...senderFor(tenant), deviceid: "speaker" };
    const sent = [
      ...(await send(phone, sessionEvents([1, 2, 3]))),
      ...(await send(speaker, sessionEvents([1, 2, 3]))),
      ...(await send(phone, sessionEvents([3, 4]))),
      ...(await send(speaker, sessionEvents([1, 4]))),
    ];

    const exported = await exportedLines(tenant);
    expect(await exportedOnce(tenant)).toEqual(idsOf(sent));
    expect(exported.filter((line) => line.deviceid === "phone")).toHaveLength(4);
    expect(exported.filter((line) => line.deviceid === "speaker")).toHaveLength(4);
  });

  it("from a device sending random and huge numbers: exact, with at most a run per number it sent", async () => {
    const sender = senderFor(uniqueTenant("wild"));
    const random = Array.from({ length: 150 }, () => Math.floor((Math.random() - 0.5) * 2 * Number.MAX_SAFE_INTEGER));
    const extremes = [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, -1, Number.MAX_SAFE_INTEGER - 1];
    const block = Array.from({ length: 300 }, (_, index) => 1_000_000 + index);
    const numbers = [...new Set([...random, ...extremes, ...block])];
    const shuffled = () => [...numbers].sort(() => Math.random() - 0.5);

    const sent = [
      ...(await send(sender, sessionEvents([...block, ...random.slice(0, 50)]))),
      ...(await send(sender, sessionEvents(shuffled()))),
      ...(await send(sender, sessionEvents(shuffled()))),
    ];

    expect(await exportedOnce(sender.tenant)).toEqual(idsOf(sent));
    expect(idsOf(sent)).toHaveLength(numbers.length);
    const [stats] = await shardStats(sender.tenant);
    // The block, sent in one request, is one run; every other number at most one.
    expect(stats!.runs).toBeLessThanOrEqual(random.length + extremes.length + 1);
    expect(stats!.files).toBe(2);
  });
});

describe("a session's runs in the day tables of several days", () => {
  afterEach(() => vi.useRealTimers());

  it("a resend within the window across a day boundary is still a duplicate", async () => {
    const sender = senderFor(uniqueTenant("two-days"));
    const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(midnight - 30 * MINUTE_MS);
    const before = await send(sender, sessionEvents([1, 2, 3, 7]));
    vi.setSystemTime(midnight + 30 * MINUTE_MS);
    const after = await send(sender, sessionEvents([4, 5, 6, 8]));
    const [stats] = await shardStats(sender.tenant);
    expect(Object.keys(stats!.runTables).sort()).toEqual([
      `runs_${dayOf(midnight - DAY_MS)}`,
      `runs_${dayOf(midnight)}`,
    ]);

    vi.setSystemTime(midnight + 2 * DAY_MS);
    const resent = await send(sender, sessionEvents([8, 1, 2, 3, 4, 5, 6, 7, 9]));

    expect(await exportedOnce(sender.tenant)).toEqual(idsOf([...before, ...after, ...resent]));
    expect(await committedKeys(sender.tenant)).toHaveLength(3);
    expect(await exportedLines(sender.tenant)).toHaveLength(9);
  });

  it("a resend of a week's numbers, one day table per day of the window, is a duplicate in every one", async () => {
    const sender = senderFor(uniqueTenant("week"));
    const first = Math.floor(Date.now() / DAY_MS) * DAY_MS - 30 * MINUTE_MS;
    const days = Number(env.DEDUPE_WINDOW_DAYS);
    vi.useFakeTimers({ toFake: ["Date"] });
    const sent: Record<string, unknown>[] = [];
    for (let day = 0; day < days; day++) {
      vi.setSystemTime(first + day * DAY_MS);
      sent.push(...(await send(sender, sessionEvents([2 * day + 1, 2 * day + 2]))));
    }
    expect(Object.keys((await shardStats(sender.tenant))[0]!.runTables)).toHaveLength(days);

    vi.setSystemTime(first + (days - 1) * DAY_MS + HOUR_MS);
    const all = Array.from({ length: 2 * days + 1 }, (_, index) => index + 1);
    sent.push(...(await send(sender, sessionEvents(all.reverse()))));

    expect(await exportedOnce(sender.tenant)).toEqual(idsOf(sent));
    expect(await exportedLines(sender.tenant)).toHaveLength(2 * days + 1);
  });
});

describe("a tenant with several shards", () => {
  const FOUR_SHARDS: Partial<Env> = { LEDGER_SHARDS: "4" };

  it("exports each event once, one file per shard a batch touches, and drops resends in every shard", async () => {
    const tenant = uniqueTenant("sharded");
    const senders = Array.from({ length: 12 }, (_, index) => ({ ...senderFor(tenant), deviceid: `device-${index}` }));
    const bodies = (
      await Promise.all(senders.map((sender) => acceptedMessageBodies(sender, sessionEvents([1, 2, 3, 4]))))
    ).flat();
    // One request whose events belong to two sessions, which may hash to different shards.
    const mixed = await acceptedMessageBodies(senders[0]!, [
      ...sessionEvents([5, 6]),
      ...sessionEvents([1, 2], "0123456789abcdef0123456789abcdef"),
    ]);
    const all = [...bodies, ...mixed];

    await deliverUntilAcked(asQueuedMessages(all), () => FOUR_SHARDS);
    await deliverUntilAcked(asQueuedMessages(all), () => FOUR_SHARDS);

    expect(await exportedOnce(tenant)).toEqual(idsOf(eventsOf(all)));
    const stats = await shardStats(tenant, FOUR_SHARDS);
    expect(stats.filter((shard) => shard.files > 0).length).toBeGreaterThan(1);
    const files = await committedKeys(tenant, FOUR_SHARDS);
    expect(files).toHaveLength(stats.reduce((total, shard) => total + shard.files, 0));
    expect(await listKeys(`${tenant}/`)).toEqual(files);
  });
});

describe("a change of a tenant's shard count stays exact within the window", () => {
  const changedAt = new Date(Date.now() - 60_000).toISOString();
  /** Routing by one shard, as before the change. */
  const oneShard = (tenant: string): Partial<Env> => ({ LEDGER_SHARDS_BY_TENANT: JSON.stringify({ [tenant]: 1 }) });
  /** Four shards since a minute ago, one before: the schedule an operator writes for the change. */
  const fourShards = (tenant: string): Partial<Env> => ({
    LEDGER_SHARDS_BY_TENANT: JSON.stringify({
      [tenant]: [{ shards: 1 }, { shards: 4, from: changedAt }],
    }),
  });

  /** Devices of one user with fixed ids, so which sessions move from 1 shard to 4 is known. */
  function devices(tenant: string): Sender[] {
    return Array.from({ length: 8 }, (_, index) => ({ tenant, userid: "user", deviceid: `device-${index}` }));
  }
  const movedOf = (senders: readonly Sender[]) =>
    senders.filter((sender) => shardOfSession(sessionKey({ ...sender, sessionid: SESSION }), 4) !== 0);

  async function bodiesOf(senders: readonly Sender[], numbers: readonly number[]): Promise<string[]> {
    return (await Promise.all(senders.map((sender) => acceptedMessageBodies(sender, sessionEvents(numbers))))).flat();
  }

  it("resent events exported before the change are not exported again; new events are exported once", async () => {
    const tenant = uniqueTenant("reshard");
    const senders = devices(tenant);
    expect(movedOf(senders).length).toBeGreaterThan(0);
    const before = await bodiesOf(senders, [1, 2, 3, 4]);
    await deliverUntilAcked(asQueuedMessages(before), () => oneShard(tenant));

    const after = await bodiesOf(senders, [3, 4, 5, 6]);
    await deliverUntilAcked(asQueuedMessages([...before, ...after]), () => fourShards(tenant));
    await deliverUntilAcked(asQueuedMessages([...before, ...after]), () => fourShards(tenant));

    expect(await exportedOnce(tenant)).toEqual(idsOf(eventsOf([...before, ...after])));
    const stats = await shardStats(tenant, fourShards(tenant));
    // The moved sessions' new numbers went to the new shards; the old shard sealed them.
    expect(stats.slice(1).some((shard) => shard.files > 0)).toBe(true);
    expect(stats[0]!.sealed).toBe(movedOf(senders).length);
    expect(await listKeys(`${tenant}/`)).toEqual(await committedKeys(tenant, fourShards(tenant)));
  });

  it("an attempt still routing by the old count after a hand-over is refused, retried and exported once", async () => {
    const tenant = uniqueTenant("straggler");
    const senders = movedOf(devices(tenant));
    await deliverUntilAcked(asQueuedMessages(await bodiesOf(senders, [1, 2])), () => oneShard(tenant));
    await deliverUntilAcked(asQueuedMessages(await bodiesOf(senders, [1, 2, 3])), () => fourShards(tenant));

    const late = asQueuedMessages(await bodiesOf(senders, [3, 4]));
    const refused = await deliver(late, oneShard(tenant));
    expect(refused.retried).toHaveLength(late.length);
    await deliverUntilAcked(late, () => fourShards(tenant));

    expect(await exportedOnce(tenant)).toHaveLength(senders.length * 4);
  });

  it("a file the old shard still had pending can no longer commit once its session is handed over", async () => {
    const tenant = uniqueTenant("pending-move");
    const senders = movedOf(devices(tenant));
    const bodies = await bodiesOf(senders, [1, 2, 3]);
    const fault = failingShardCall(env.LEDGER, "commit", "before");
    const first = await deliver(asQueuedMessages(bodies), { ...oneShard(tenant), LEDGER: fault.binding });
    expect(first.retried).toHaveLength(bodies.length);
    const [pending] = await listKeys(`${tenant}/`);
    expect(pending).toBeDefined();

    await deliverUntilAcked(asQueuedMessages(bodies), () => fourShards(tenant));

    expect(await exportedOnce(tenant)).toEqual(idsOf(eventsOf(bodies)));
    expect(await listKeys(`${tenant}/`)).not.toContain(pending);
    expect(await listKeys(`${tenant}/`)).toEqual(await committedKeys(tenant, fourShards(tenant)));
  });
});

describe("the D1 claims of before the shards still count until they age out", () => {
  async function legacyFile(tenant: string, state: "committed" | "pending", eventids: readonly string[]) {
    // Kept outside the tenant's prefix, so that the exported lines read there are the shards' files alone.
    const key = `legacy-${tenant}/2026/2026-11/2026-11-24/2026-11-24T0000_000000.000_${crypto.randomUUID()}.jsonl.gz`;
    await env.EXPORTS.put(key, "legacy");
    await env.DB.prepare(
      "INSERT INTO export_files (key, tenant, day, state, created_at) VALUES (?1, ?2, '2026-11-24', ?3, ?4)",
    )
      .bind(key, tenant, state, Date.now())
      .run();
    await env.DB.prepare(
      "INSERT INTO event_claims (eventid, file_key, claimed_at) SELECT value, ?1, ?2 FROM json_each(?3)",
    )
      .bind(key, Date.now(), JSON.stringify(eventids))
      .run();
    return key;
  }

  it("drops events a committed D1 file holds, and abandons a pending D1 file so it can never commit", async () => {
    const sender = senderFor(uniqueTenant("legacy"));
    const bodies = await acceptedMessageBodies(sender, sessionEvents([1, 2, 3, 4, 5, 6]));
    const events = eventsOf(bodies);
    const ids = events.map((event) => event.eventid as string);
    const committed = await legacyFile(sender.tenant, "committed", ids.slice(0, 3));
    const pending = await legacyFile(sender.tenant, "pending", ids.slice(3, 4));

    await deliver(asQueuedMessages(bodies));

    expect(await exportedOnce(sender.tenant)).toEqual(ids.slice(3).sort());
    const state = await env.DB.prepare("SELECT state FROM export_files WHERE key = ?").bind(pending).first("state");
    expect(state).toBe("abandoned");
    expect(await env.EXPORTS.head(committed)).not.toBeNull();
    expect(await env.EXPORTS.head(pending)).toBeNull();
  });

  it("are no longer read once LEGACY_CLAIMS_UNTIL has passed", async () => {
    const sender = senderFor(uniqueTenant("legacy-off"));
    const bodies = await acceptedMessageBodies(sender, sessionEvents([1, 2]));
    const ids = eventsOf(bodies).map((event) => event.eventid as string);
    await legacyFile(sender.tenant, "committed", ids);

    await deliverUntilAcked(asQueuedMessages(bodies), () => ({ LEGACY_CLAIMS_UNTIL: "2000-01-01T00:00:00Z" }));

    expect(await exportedOnce(sender.tenant)).toEqual([...ids].sort());
  });
});

describe("a shard of before the day tables keeps its legacy runs and files tables until their rows age out", () => {
  /**
   * Turns the tenant's shard into one of before: its runs moved into the legacy `runs` table and its files into
   * the legacy `files` table (as version 0 created it), no schema version.
   */
  async function asShardOfBefore(tenant: string): Promise<void> {
    await runInDurableObject(shardsOf(tenant)[0]!, (_, state) => {
      const sql = state.storage.sql;
      const tableOf = (base: string) =>
        sql.exec<{ name: string }>(`SELECT name FROM sqlite_schema WHERE name GLOB '${base}_*'`).one().name;
      const [runs, files] = [tableOf("runs"), tableOf("files")];
      sql.exec(`CREATE TABLE runs (session TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
        file_id INTEGER NOT NULL, PRIMARY KEY (session, first)) WITHOUT ROWID`);
      sql.exec(`INSERT INTO runs SELECT session, first, last, file_id FROM ${runs}`);
      sql.exec(`CREATE TABLE files (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'abandoned', 'swept')),
        created_at INTEGER NOT NULL, facts TEXT)`);
      sql.exec(`INSERT INTO files SELECT id, key, state, created_at, facts FROM ${files}`);
      sql.exec(`DROP TABLE ${runs}`);
      sql.exec(`DROP TABLE ${files}`);
      sql.exec("DELETE FROM meta WHERE name = 'schema_version'");
      // As the shard's next start would.
      ensureShardSchema(sql);
    });
  }

  it("refuses the duplicates its committed runs hold, and drops the runs table once they have aged out", async () => {
    const sender = senderFor(uniqueTenant("legacy-runs"));
    const first = await send(sender, sessionEvents([1, 2, 3]));
    await asShardOfBefore(sender.tenant);
    expect((await shardStats(sender.tenant))[0]!.runTables).toEqual({ runs: 1 });

    const second = await send(sender, sessionEvents([1, 2, 3, 4]));
    expect(await exportedOnce(sender.tenant)).toEqual(idsOf([...first, ...second]));
    expect(await exportedLines(sender.tenant)).toHaveLength(4);
    const [stats] = await shardStats(sender.tenant);
    expect(Object.values(stats!.runTables)).toEqual([1, 1]);
    expect(stats!.runTables.runs).toBe(1);

    const windowDays = Number(env.DEDUPE_WINDOW_DAYS);
    await sweepShardsAt(sender.tenant, Date.now() + (windowDays - 1) * DAY_MS);
    expect((await shardStats(sender.tenant))[0]!.runTables.runs).toBe(1);
    const [swept] = await Promise.all(
      shardsOf(sender.tenant).map((shard) => shard.sweep(Date.now() + (windowDays + 1) * DAY_MS)),
    );
    expect(swept).toMatchObject({ runsExpired: 1, runTablesDropped: expect.arrayContaining(["runs"]) });
    expect((await shardStats(sender.tenant))[0]!.runTables).toEqual({});
  });

  it("commits a file claimed before the deploy (pending in the legacy files table) once, after it", async () => {
    const sender = senderFor(uniqueTenant("legacy-pending"));
    const bodies = await acceptedMessageBodies(sender, sessionEvents([1, 2, 3]));
    // The deploy lands between the claim and the commit of an attempt.
    const LEDGER = beforeShardCalls("commit", () => asShardOfBefore(sender.tenant));
    await deliverUntilAcked(asQueuedMessages(bodies), () => ({ LEDGER }));

    const keys = await listKeys(`${sender.tenant}/`);
    expect(keys).toHaveLength(1);
    expect(await shardCommittedKeys(sender.tenant)).toEqual(keys);
    expect((await shardStats(sender.tenant))[0]!.fileTables).toEqual({ files: 1 });
    await send(sender, sessionEvents([1, 2, 3]));
    expect(await exportedOnce(sender.tenant)).toEqual(idsOf(eventsOf(bodies)));
  });

  it("lists and finds its committed legacy file beside the new ones, and drops the files table once it is empty", async () => {
    const sender = senderFor(uniqueTenant("legacy-files"));
    await send(sender, sessionEvents([1, 2, 3]));
    const [legacyKey] = await listKeys(`${sender.tenant}/`);
    await asShardOfBefore(sender.tenant);
    expect((await shardStats(sender.tenant))[0]!.fileTables).toEqual({ files: 1 });

    await send(sender, sessionEvents([3, 4]));
    const keys = await listKeys(`${sender.tenant}/`);
    expect(keys).toHaveLength(2);
    expect(await shardCommittedKeys(sender.tenant)).toEqual(keys);
    const [shard] = shardsOf(sender.tenant);
    expect(await shard!.findFile(legacyKey!)).toMatchObject({ key: legacyKey, events: 3 });
    const [stats] = await shardStats(sender.tenant);
    expect(stats!.fileTables).toEqual({ files: 1, [`files_${dayOf(Date.now())}`]: 1 });

    const retentionDays = Number(env.MANIFEST_RETENTION_DAYS);
    const swept = await shard!.sweep(Date.now() + (retentionDays + 2) * DAY_MS);
    expect(swept).toMatchObject({
      filesExpired: 1,
      fileTablesDropped: expect.arrayContaining(["files", `files_${dayOf(Date.now())}`]),
    });
    expect((await shardStats(sender.tenant))[0]!.fileTables).toEqual({});
  });
});

describe("what a file costs the ledger", () => {
  it("writes a file row, a run per session and a rollup row per bucket: a few rows, not one per event", async () => {
    const sender = senderFor(uniqueTenant("cost"));
    const numbers = Array.from({ length: 200 }, (_, index) => index + 1);
    await send(sender, sessionEvents(numbers));

    const [stats] = await shardStats(sender.tenant);
    expect(stats).toMatchObject({ runs: 1, files: 1 });
    expect(stats!.rollups).toBeLessThanOrEqual(3);
  });

  it("a claim of a session reads no more rows after many runs over two day tables than after a few", async () => {
    const sender = senderFor(uniqueTenant("walk"));
    const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    vi.useFakeTimers({ toFake: ["Date"] });
    /** The ledger rows the batch of one event numbered `number`, sent at `at`, read. */
    async function rowsRead(number: number, at: number): Promise<number> {
      vi.setSystemTime(at);
      const bodies = await acceptedMessageBodies(sender, sessionEvents([number]));
      const log = vi.spyOn(console, "log");
      await deliverUntilAcked(asQueuedMessages(bodies));
      const [line] = log.mock.calls
        .map(([text]) => JSON.parse(String(text)) as Record<string, unknown>)
        .filter((parsed) => parsed.msg === "batch");
      log.mockRestore();
      return line!.ledger_rows_read as number;
    }
    try {
      // Every other number: one run per file, six on each day.
      const reads: number[] = [];
      for (let file = 1; file <= 12; file++) {
        reads.push(await rowsRead(2 * file, midnight + (file <= 6 ? -DAY_MS / 2 : DAY_MS / 2) + file * MINUTE_MS));
      }

      expect(Object.values((await shardStats(sender.tenant))[0]!.runTables)).toEqual([6, 6]);
      expect(reads[11]).toBe(reads[8]);
    } finally {
      vi.useRealTimers();
    }
  });
});
