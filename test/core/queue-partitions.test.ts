/**
 * The events queue partition of an event (src/core/exports/queue-partitions.ts): a tenant's shards on distinct
 * partitions while it has no more shards than partitions, every event of a session on its shard's partition.
 * @module
 */
import { describe, expect, it } from "vitest";
import { packPartitionedMessages } from "../../src/core/events/queue-message.js";
import type { RequestReport } from "../../src/core/events/request-report.js";
import { sessionKey, shardOfSession } from "../../src/core/exports/ledger-shards.js";
import {
  eventQueueName,
  MAX_EVENT_QUEUES,
  partitionOfQueue,
  partitionOfShard,
  partitionsOfEvents,
} from "../../src/core/exports/queue-partitions.js";
import { parseConfig } from "../../src/core/foundation/config.js";

const identities = Array.from({ length: 400 }, (_, index) => ({
  userid: `user-${index % 100}`,
  deviceid: index % 3 ? `device-${index % 100}` : undefined,
  sessionid: `session-${index % 7}`,
}));

describe("the queue partition of a ledger shard", () => {
  it("puts each of a tenant's shards on a partition of its own while the shards are no more than the partitions", () => {
    for (const tenant of ["acme", "globex", "bench-0"]) {
      const partitions = Array.from({ length: 16 }, (_, shard) => partitionOfShard(tenant, shard, 16));
      expect(new Set(partitions).size).toBe(16);
      expect(Math.max(...partitions)).toBeLessThan(16);
    }
  });

  it("spreads tenants of one shard over the partitions", () => {
    const used = new Set(Array.from({ length: 200 }, (_, index) => partitionOfShard(`tenant-${index}`, 0, 8)));

    expect(used.size).toBe(8);
  });

  it("is partition 0 for everything when there is one queue", () => {
    expect(partitionOfShard("acme", 5, 1)).toBe(0);
    expect(partitionsOfEvents("acme", identities, 16, 1).every((partition) => partition === 0)).toBe(true);
  });

  it("refuses a partition count below one", () => {
    expect(() => partitionOfShard("acme", 0, 0)).toThrow(/at least one queue partition/);
  });
});

describe("the partition count (EVENT_QUEUES)", () => {
  const eventQueues = (value: string | undefined) => parseConfig({ JWT_SECRET: "s", EVENT_QUEUES: value }).eventQueues;

  it("is 1 unless set, and any count from 1 to MAX_EVENT_QUEUES", () => {
    expect(eventQueues(undefined)).toBe(1);
    expect(eventQueues("")).toBe(1);
    expect(eventQueues("4")).toBe(4);
    expect(eventQueues(String(MAX_EVENT_QUEUES))).toBe(MAX_EVENT_QUEUES);
  });

  it.each([
    ["0", /not a positive integer/],
    ["two", /not a positive integer/],
    [String(MAX_EVENT_QUEUES + 1), /EVENT_QUEUES may be at most 64/],
  ])("refuses %s", (value, message) => {
    expect(() => eventQueues(value)).toThrow(message);
  });

  it("names each partition's queue, and the consumer reads the partition back from it (no other queue)", () => {
    expect([0, 1, 63].map(eventQueueName)).toEqual(["audiogum-events", "audiogum-events-1", "audiogum-events-63"]);
    for (const partition of [0, 1, 9, 10, 63]) expect(partitionOfQueue(eventQueueName(partition))).toBe(partition);
    for (const other of ["audiogum-events-dlq", "audiogum-events-0", "audiogum-events-01", "audiogum-events-64"])
      expect(partitionOfQueue(other)).toBeUndefined();
  });
});

describe("the queue partition of an event", () => {
  it("is the partition of its session's shard, the same for every event of the session", () => {
    const partitions = partitionsOfEvents("acme", identities, 4, 4);

    identities.forEach((identity, index) => {
      const shard = shardOfSession(sessionKey(identity), 4);
      expect(partitions[index]).toBe(partitionOfShard("acme", shard, 4));
    });
    expect(new Set(partitions).size).toBe(4);
  });
});

describe("packing a request's lines by partition", () => {
  const lines = ['{"eventid":"a"}', '{"eventid":"b"}', '{"eventid":"c"}', '{"eventid":"d"}'];
  const report = { usage: { events_accepted: 4 } } as unknown as RequestReport;

  it("packs each partition's lines in their order, the report with the first line's partition only", () => {
    const messages = packPartitionedMessages("acme", lines, [2, 0, 2, 0], report);

    expect([...messages.keys()]).toEqual([2, 0]);
    const bodies = (partition: number) => (messages.get(partition) ?? []).map((body) => JSON.parse(body));
    const two = bodies(2);
    const zero = bodies(0);
    expect(two.flatMap((message) => message.events.map((event: { eventid: string }) => event.eventid))).toEqual([
      "a",
      "c",
    ]);
    expect(zero.flatMap((message) => message.events.map((event: { eventid: string }) => event.eventid))).toEqual([
      "b",
      "d",
    ]);
    expect(two[0]?.report).toEqual(report);
    expect(zero.some((message) => "report" in message)).toBe(false);
  });

  it("sends a report with no lines alone on partition 0", () => {
    const messages = packPartitionedMessages("acme", [], [], report);

    expect([...messages.keys()]).toEqual([0]);
    expect(JSON.parse(messages.get(0)![0]!)).toMatchObject({ events: [], report: { usage: report.usage } });
  });
});
