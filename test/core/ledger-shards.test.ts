/**
 * The pure parts of the sharded ledger: runs of sequence numbers, and which shard a session belongs to.
 * @module
 */
import { describe, expect, it } from "vitest";
import { sessionKey, shardOfSession } from "../../src/core/exports/ledger-shards.js";
import { distinctAscending, runIndexOf, runsOf } from "../../src/core/exports/sequence-runs.js";

describe("runs of sequence numbers", () => {
  it("join consecutive numbers and keep every other number apart, at the ends of the safe integers too", () => {
    const numbers = distinctAscending([3, 1, 2, 2, 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, 0]);

    expect(runsOf(numbers)).toEqual([
      { first: Number.MIN_SAFE_INTEGER, last: Number.MIN_SAFE_INTEGER },
      { first: -1, last: 3 },
      { first: 7, last: 7 },
      { first: Number.MAX_SAFE_INTEGER, last: Number.MAX_SAFE_INTEGER },
    ]);
  });

  it("find the run holding each number, or none", () => {
    const runs = [
      { first: 1, last: 3 },
      { first: 10, last: 10 },
    ];

    expect(runIndexOf([0, 1, 3, 4, 10, 11], runs)).toEqual([-1, 0, 0, -1, 1, -1]);
  });
});

describe("the shard of a session", () => {
  const sessions = Array.from({ length: 2000 }, (_, index) =>
    sessionKey({ userid: `user-${index}`, deviceid: index % 2 ? `device-${index}` : undefined, sessionid: "AB" }),
  );

  it("keys a session by its exact parts, the session id lowercased as the event id does", () => {
    expect(sessionKey({ userid: "u", deviceid: undefined, sessionid: "ABC" })).toBe('["u",null,"abc"]');
    expect(sessionKey({ userid: "u", deviceid: "d", sessionid: "abc" })).not.toBe(
      sessionKey({ userid: "u", deviceid: undefined, sessionid: "abc" }),
    );
  });

  it("spreads sessions evenly over the shards", () => {
    const counts = new Array<number>(16).fill(0);
    for (const session of sessions) counts[shardOfSession(session, 16)]!++;

    expect(Math.min(...counts)).toBeGreaterThan(sessions.length / 16 / 2);
    expect(Math.max(...counts)).toBeLessThan((sessions.length / 16) * 2);
  });

  it("moves a session only to a new shard when the count grows", () => {
    for (const session of sessions) {
      const before = shardOfSession(session, 4);
      const after = shardOfSession(session, 16);
      expect(after === before || after >= 4).toBe(true);
    }
  });
});
