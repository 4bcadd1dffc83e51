/**
 * What a ledger shard reports about its own cost (src/ledger/shard-storage.ts, the sweep's usage): the bench
 * prices each kind of row for as long as it is kept, and the rows its sweep writes to age them out.
 * @module
 */
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { asQueuedMessages, deliverUntilAcked } from "../support/deliver.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { shardsOf } from "../support/ledger.js";
import { uniqueTenant } from "../support/tenants.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** One file of two sessions of three events each. */
async function exportOneFile(tenant: string): Promise<void> {
  const seeds = seedEvents();
  const events = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"].flatMap((sessionid) =>
    [1, 2, 3].map((sequencenumber, index) => ({ ...seeds[index], sessionid, sequencenumber })),
  );
  const bodies = await acceptedMessageBodies(senderFor(tenant), events);
  await deliverUntilAcked(asQueuedMessages(bodies));
}

describe("a shard reports what it holds by kind of row", () => {
  it("counts the runs, the file and the minute rollups of one exported file (its day adds up from its minutes until folded), with their bytes", async () => {
    const tenant = uniqueTenant("stored");
    await exportOneFile(tenant);
    const [shard] = shardsOf(tenant);

    const { kinds, databaseBytes } = await shard!.storage();

    expect(kinds.runs.rows).toBe(2);
    expect(kinds.files.rows).toBe(1);
    expect(kinds.minuteRollups.rows).toBe(1);
    expect(kinds.dayRollups.rows).toBe(0);
    for (const kind of [kinds.runs, kinds.files, kinds.minuteRollups]) {
      expect(kind.bytes).toBeGreaterThan(kind.rows * 8);
    }
    // The file's key and facts are in its row.
    expect(kinds.files.bytes).toBeGreaterThan(`${tenant}/`.length + 100);
    expect(databaseBytes).toBeGreaterThan(kinds.runs.bytes + kinds.files.bytes);
  });
});

describe("a shard's sweep reports the rows it read and wrote", () => {
  it("writes rows only once something is old enough to leave, and nothing is left after the manifest retention", async () => {
    const tenant = uniqueTenant("aged");
    await exportOneFile(tenant);
    const [shard] = shardsOf(tenant);
    const now = Date.now();

    const first = await shard!.sweep(now);
    const later = await shard!.sweep(now + 40 * DAY_MS);
    const { kinds } = await shard!.storage();

    expect(first.filesExpired + first.runsExpired).toBe(0);
    expect(first.fileTablesDropped).toEqual([]);
    // The file's day table is dropped whole: no row deleted one by one.
    expect(later.fileTablesDropped).toEqual([expect.stringMatching(/^files_\d{8}$/)]);
    expect(later.filesExpired).toBe(0);
    expect(later.usage.rowsWritten).toBeGreaterThan(first.usage.rowsWritten);
    expect(kinds.runs.rows + kinds.files.rows + kinds.minuteRollups.rows).toBe(0);
  });
});
