// The D1 ledger of the exactly-once protocol, statement by statement, against D1 itself: what a claim returns
// (RETURNING on an upsert must leave out the rows its DO UPDATE ... WHERE skipped), what it abandons, and when
// a commit is refused.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { D1Usage } from "../../src/consumer/d1-usage.js";
import { claimEventIds, commitExportFile, type CommittedFacts, type NewExportFile } from "../../src/consumer/export-ledger.js";

function newFile(label: string): NewExportFile {
  return { key: `ledger/${label}-${crypto.randomUUID()}`, tenant: "ledger", day: "2026-11-24", createdAt: Date.now() };
}

function ids(count: number): string[] {
  return Array.from({ length: count }, () => crypto.randomUUID());
}

async function commit(file: NewExportFile, events: number): Promise<boolean> {
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
  return commitExportFile(env.DB, facts, new D1Usage());
}

async function stateOf(key: string): Promise<string | null> {
  return (await env.DB.prepare("SELECT state FROM export_files WHERE key = ?").bind(key).first<string>("state")) ?? null;
}

describe("claiming event ids", () => {
  it("returns every id no committed file holds, and none that one does", async () => {
    const exported = ids(3);
    const earlier = newFile("earlier");
    await claimEventIds(env.DB, earlier, exported, new D1Usage());
    expect(await commit(earlier, 3)).toBe(true);
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
});

describe("committing a file", () => {
  it("succeeds once for a pending file that still holds all it claimed", async () => {
    const file = newFile("once");
    await claimEventIds(env.DB, file, ids(2), new D1Usage());

    expect(await commit(file, 2)).toBe(true);
    expect(await commit(file, 2)).toBe(false);
    expect(await stateOf(file.key)).toBe("committed");
  });

  it("is refused once a later attempt has taken its claims", async () => {
    const shared = ids(2);
    const lost = newFile("lost");
    await claimEventIds(env.DB, lost, shared, new D1Usage());
    await claimEventIds(env.DB, newFile("winner"), shared, new D1Usage());

    expect(await commit(lost, 2)).toBe(false);
  });

  it("is refused when the file holds fewer claims than it says it has events", async () => {
    const file = newFile("short");
    await claimEventIds(env.DB, file, ids(2), new D1Usage());

    expect(await commit(file, 3)).toBe(false);
    expect(await stateOf(file.key)).toBe("pending");
  });
});
