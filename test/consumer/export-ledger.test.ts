/**
 * The D1 ledger of the exactly-once protocol, statement by statement, against D1 itself: what a claim returns
 * (RETURNING on an upsert must leave out the rows its DO UPDATE ... WHERE skipped), what it abandons, when a
 * commit is refused, and what a claim costs in rows written (D1's price).
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { D1Usage } from "../../src/consumer/d1-usage.js";
import {
  claimEventIds,
  commitExportFile,
  discardEmptyFile,
  renamePendingFile,
  type CommittedFacts,
  type NewExportFile,
} from "../../src/consumer/export-ledger.js";
import { forgetUncommittedFiles } from "../../src/consumer/sweep-ledger.js";

function newFile(label: string): NewExportFile {
  return { key: `ledger/${label}-${crypto.randomUUID()}`, tenant: "ledger", day: "2026-11-24", createdAt: Date.now() };
}

function ids(count: number): string[] {
  return Array.from({ length: count }, () => crypto.randomUUID());
}

/** Commits `file` as holding `eventIds` (`events` of them, unless a test says otherwise). */
async function commit(file: NewExportFile, eventIds: readonly string[], events = eventIds.length): Promise<boolean> {
  const facts: CommittedFacts = {
    key: file.key,
    events,
    bytes: 1,
    firstReceivedAt: "2026-11-24T00:00:00.000Z",
    lastReceivedAt: "2026-11-24T00:00:00.000Z",
    committedAt: Date.now(),
    etag: "etag",
    typeCounts: {},
  };
  return commitExportFile(env.DB, facts, eventIds, new D1Usage());
}

/** `count` ids already exported: claimed and committed by a file of their own. */
async function exportedIds(count: number): Promise<string[]> {
  const exported = ids(count);
  const file = newFile("exported");
  await claimEventIds(env.DB, file, exported, new D1Usage());
  expect(await commit(file, exported)).toBe(true);
  return exported;
}

async function stateOf(key: string): Promise<string | null> {
  return (
    (await env.DB.prepare("SELECT state FROM export_files WHERE key = ?").bind(key).first<string>("state")) ?? null
  );
}

describe("claiming event ids", () => {
  it("returns every id no committed file holds, and none that one does", async () => {
    const exported = await exportedIds(3);
    const fresh = ids(2);

    const claim = await claimEventIds(env.DB, newFile("later"), [...exported, ...fresh], new D1Usage());

    expect([...claim.claimed].sort()).toEqual([...fresh].sort());
  });

  it("takes ids over from a pending file and abandons that file", async () => {
    const shared = ids(4);
    const first = newFile("first");
    await claimEventIds(env.DB, first, shared, new D1Usage());

    const claim = await claimEventIds(env.DB, newFile("second"), shared, new D1Usage());

    expect([...claim.claimed].sort()).toEqual([...shared].sort());
    expect(claim.abandonedKeys).toEqual([first.key]);
    expect(await stateOf(first.key)).toBe("abandoned");
  });

  it("claims thousands of ids in one batch, reporting the D1 rows read and written", async () => {
    const many = ids(12_000);
    const usage = new D1Usage();

    const claim = await claimEventIds(env.DB, newFile("many"), many, usage);

    expect(claim.claimed.size).toBe(many.length);
    expect(usage.rowsWritten).toBeGreaterThanOrEqual(many.length);
    expect(usage.rowsRead).toBeGreaterThan(0);
  });

  it("writes one D1 row per new id (no index on event_claims to write as well)", async () => {
    const fileRowOnly = new D1Usage();
    await claimEventIds(env.DB, newFile("no-ids"), [], fileRowOnly);
    const withIds = new D1Usage();

    await claimEventIds(env.DB, newFile("priced"), ids(500), withIds);

    expect(withIds.rowsWritten - fileRowOnly.rowsWritten).toBe(500);
  });

  it("writes nothing for ids a committed file holds", async () => {
    const exported = await exportedIds(300);
    const fileRowOnly = new D1Usage();
    await claimEventIds(env.DB, newFile("no-ids"), [], fileRowOnly);
    const again = new D1Usage();

    const claim = await claimEventIds(env.DB, newFile("duplicates"), exported, again);

    expect(claim.claimed.size).toBe(0);
    expect(again.rowsWritten).toBe(fileRowOnly.rowsWritten);
  });

  it("takes ids over from an abandoned file", async () => {
    const shared = ids(3);
    const first = newFile("first");
    await claimEventIds(env.DB, first, shared, new D1Usage());
    await claimEventIds(env.DB, newFile("second"), shared.slice(0, 1), new D1Usage());
    expect(await stateOf(first.key)).toBe("abandoned");

    const claim = await claimEventIds(env.DB, newFile("third"), shared, new D1Usage());

    expect([...claim.claimed].sort()).toEqual([...shared].sort());
  });

  it("takes ids over from a file the sweeper forgot (its claims outlive its row), and can commit them", async () => {
    const shared = ids(3);
    const swept = newFile("swept");
    await claimEventIds(env.DB, swept, shared, new D1Usage());
    await forgetUncommittedFiles(env.DB, [swept.key], new D1Usage());
    expect(await stateOf(swept.key)).toBeNull();
    const later = newFile("after-sweep");

    const claim = await claimEventIds(env.DB, later, shared, new D1Usage());

    expect([...claim.claimed].sort()).toEqual([...shared].sort());
    expect(claim.abandonedKeys).toEqual([]);
    expect(await commit(later, shared)).toBe(true);
  });
});

describe("committing a file", () => {
  it("succeeds once for a pending file that still holds all it claimed", async () => {
    const file = newFile("once");
    const held = ids(2);
    await claimEventIds(env.DB, file, held, new D1Usage());

    expect(await commit(file, held)).toBe(true);
    expect(await commit(file, held)).toBe(false);
    expect(await stateOf(file.key)).toBe("committed");
  });

  it("checks every chunk of a file of more ids than one JSON parameter holds", async () => {
    const many = ids(12_000);
    const file = newFile("chunks");
    await claimEventIds(env.DB, file, many, new D1Usage());

    expect(await commit(file, many)).toBe(true);
  });

  it("is refused when one id of its last chunk no longer names it, though the file is still pending", async () => {
    const many = ids(12_000);
    const short = newFile("short-chunk");
    await claimEventIds(env.DB, short, many, new D1Usage());
    // Only the guard's count can notice: no attempt took the id, so nothing abandoned the file.
    await env.DB.prepare("UPDATE event_claims SET file_key = 'elsewhere' WHERE eventid = ?").bind(many.at(-1)!).run();

    expect(await commit(short, many)).toBe(false);
    expect(await stateOf(short.key)).toBe("pending");
  });

  it("is refused once a later attempt has taken its claims", async () => {
    const shared = ids(2);
    const lost = newFile("lost");
    await claimEventIds(env.DB, lost, shared, new D1Usage());
    await claimEventIds(env.DB, newFile("winner"), shared, new D1Usage());

    expect(await commit(lost, shared)).toBe(false);
  });

  it("is refused when the file holds fewer claims than it says it has events", async () => {
    const file = newFile("short");
    const held = ids(2);
    await claimEventIds(env.DB, file, held, new D1Usage());

    expect(await commit(file, [...held, ...ids(1)])).toBe(false);
    expect(await commit(file, held, 3)).toBe(false);
    expect(await stateOf(file.key)).toBe("pending");
  });

  it("is refused for a file the sweeper forgot, even though its claims remain", async () => {
    const file = newFile("forgotten");
    const held = ids(2);
    await claimEventIds(env.DB, file, held, new D1Usage());
    await forgetUncommittedFiles(env.DB, [file.key], new D1Usage());

    expect(await commit(file, held)).toBe(false);
    expect(await stateOf(file.key)).toBeNull();
  });
});

describe("renaming a pending file", () => {
  it("moves its claims with it: the new name commits, the old one is gone", async () => {
    const held = ids(6_000);
    const from = newFile("before-rename");
    const to = { ...from, key: `${from.key}-renamed` };
    await claimEventIds(env.DB, from, held, new D1Usage());

    await renamePendingFile(env.DB, from.key, to.key, held, new D1Usage());

    expect(await stateOf(from.key)).toBeNull();
    expect(await commit(to, held)).toBe(true);
  });

  it("moves nothing once the file is no longer pending", async () => {
    const held = ids(2);
    const from = newFile("abandoned-rename");
    await claimEventIds(env.DB, from, held, new D1Usage());
    const winner = newFile("took-over");
    await claimEventIds(env.DB, winner, held, new D1Usage());

    await renamePendingFile(env.DB, from.key, `${from.key}-renamed`, held, new D1Usage());

    expect(await stateOf(`${from.key}-renamed`)).toBeNull();
    expect(await commit(winner, held)).toBe(true);
  });
});

describe("discarding a file that claimed nothing", () => {
  it("deletes its row", async () => {
    const exported = await exportedIds(2);
    const empty = newFile("empty");
    await claimEventIds(env.DB, empty, exported, new D1Usage());

    await discardEmptyFile(env.DB, empty.key, exported, new D1Usage());

    expect(await stateOf(empty.key)).toBeNull();
  });

  it("keeps a file that holds one of the ids after all", async () => {
    const held = ids(2);
    const file = newFile("not-empty");
    await claimEventIds(env.DB, file, held, new D1Usage());

    await discardEmptyFile(env.DB, file.key, held, new D1Usage());

    expect(await stateOf(file.key)).toBe("pending");
  });
});
