/**
 * The pure parts of the sharded ledger: runs of sequence numbers, which shard a session belongs to, and a
 * tenant's shard counts over time with the hand-over a change starts.
 * @module
 */
import { describe, expect, it } from "vitest";
import { sessionKey, shardOfSession } from "../../src/core/exports/ledger-shards.js";
import { handoverShardsOf, routingAt, shardsToRead } from "../../src/core/exports/shard-schedule.js";
import { ledgerShardsOf, readConfig } from "../../src/core/foundation/config.js";
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

const sessions = Array.from({ length: 2000 }, (_, index) =>
  sessionKey({ userid: `user-${index}`, deviceid: index % 2 ? `device-${index}` : undefined, sessionid: "AB" }),
);

describe("the shard of a session", () => {
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

describe("a tenant's shard counts over time", () => {
  const DAY = 86_400_000;
  const changed = Date.parse("2026-12-01T06:00:00Z");
  const ledgerOf = (vars: Record<string, string>) => readConfig({ JWT_SECRET: "secret", ...vars }).ledger;
  const schedule = ledgerShardsOf(
    ledgerOf({ LEDGER_SHARDS_BY_TENANT: '{"big": [{"shards": 4}, {"shards": 16, "from": "2026-12-01T06:00:00Z"}]}' }),
    "big",
  );

  it("is read from a count or from steps, the first in force since always", () => {
    expect(ledgerShardsOf(ledgerOf({ LEDGER_SHARDS: "4" }), "any")).toEqual([{ shards: 4, from: 0 }]);
    expect(ledgerShardsOf(ledgerOf({ LEDGER_SHARDS: "4" }), "constructor")).toEqual([{ shards: 4, from: 0 }]);
    expect(ledgerShardsOf(ledgerOf({ LEDGER_SHARDS_BY_TENANT: '{"t": 2}' }), "t")).toEqual([{ shards: 2, from: 0 }]);
    expect(schedule).toEqual([
      { shards: 4, from: 0 },
      { shards: 16, from: changed },
    ]);
    expect(
      ledgerShardsOf(
        ledgerOf({ LEDGER_SHARDS: '[{"shards": 1}, {"shards": 2, "from": "2026-12-01T06:00:00Z"}]' }),
        "t",
      ),
    ).toEqual([
      { shards: 1, from: 0 },
      { shards: 2, from: changed },
    ]);
  });

  it.each([
    ['{"t": []}', /at least one step/],
    ['{"t": [{"shards": 2, "from": "2026-12-01T00:00:00Z"}]}', /first step has no "from"/],
    ['{"t": [{"shards": 2}, {"shards": 4}]}', /ISO-8601/],
    [
      '{"t": [{"shards": 2}, {"shards": 4, "from": "2026-12-02T00:00:00Z"}, {"shards": 8, "from": "2026-12-01T00:00:00Z"}]}',
      /after the step before/,
    ],
    ['{"t": [{"shards": 0}]}', /whole number of shards/],
  ])("refuses %s", (value, message) => {
    expect(() => ledgerOf({ LEDGER_SHARDS_BY_TENANT: value })).toThrow(message);
  });

  it("routes by the count in force, handing over from the one before for the window and a day", () => {
    expect(routingAt(schedule, changed - 1, 7)).toEqual({ shards: 4, stepFrom: 0, handoverShards: [] });
    expect(routingAt(schedule, changed, 7)).toEqual({ shards: 16, stepFrom: changed, handoverShards: [4] });
    expect(routingAt(schedule, changed + 8 * DAY - 1, 7).handoverShards).toEqual([4]);
    expect(routingAt(schedule, changed + 8 * DAY, 7)).toEqual({ shards: 16, stepFrom: changed, handoverShards: [] });
  });

  it("hands over only the sessions the change moved, from the shard they were in", () => {
    const routing = routingAt(schedule, changed, 7);
    for (const session of sessions.slice(0, 200)) {
      const [before, after] = [shardOfSession(session, 4), shardOfSession(session, 16)];
      expect(handoverShardsOf(session, routing)).toEqual(before === after ? [] : [before]);
    }
  });

  it("is read from every shard any step has, so a lower count hides nothing", () => {
    expect(shardsToRead(schedule)).toBe(16);
    expect(
      shardsToRead([
        { shards: 8, from: 0 },
        { shards: 2, from: changed },
      ]),
    ).toBe(8);
  });
});
