/**
 * The export consumer behind events queue partitions (EVENT_QUEUES): every partition's queue is exported, each
 * partition's batch meets the one ledger shard whose events it carries, and every event is exported exactly once
 * whatever order the partitions' batches come in, and when one comes twice.
 * @module
 */
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { eventQueueName } from "../../src/core/exports/queue-partitions.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { committedKeys, exportedLines, listKeys } from "../support/export-objects.js";
import { eventsRequest, type Sender } from "../support/ingest.js";
import { recordingPartitions } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { callWorker } from "../support/worker.js";

/** Events of `sessions` sessions (fixed ids: 24 fall on all four shards) with the given sequence numbers. */
function sessionsEvents(sessions: number, numbers: readonly number[]): Record<string, unknown>[] {
  const ids = Array.from({ length: sessions }, (_, index) => index.toString(16).padStart(32, "0"));
  return numbers.flatMap((sequencenumber) =>
    ids.map((sessionid) => ({ ...seedEvents()[4], sessionid, sequencenumber })),
  );
}

describe("events sent over four queue partitions to a tenant of four ledger shards", () => {
  it("are exported exactly once, one file per partition's batch, in any order and with a batch delivered twice", async () => {
    const tenant = uniqueTenant("partitioned");
    const sender: Sender = { tenant, userid: "user", deviceid: "device" };
    const shards: Partial<Env> = { LEDGER_SHARDS_BY_TENANT: JSON.stringify({ [tenant]: 4 }) };
    const { recorders, bindings } = recordingPartitions(4);
    // The second request resends the first's numbers 2 and 3 (a device's retry) with new ones.
    for (const numbers of [
      [1, 2, 3],
      [2, 3, 4, 5],
    ]) {
      const response = await callWorker(await eventsRequest(sender, sessionsEvents(24, numbers)), {
        ...bindings,
        ...shards,
      });
      expect(response.status).toBe(202);
    }

    const files: number[] = [];
    for (const partition of [3, 1, 0, 2, 1]) {
      await deliver(asQueuedMessages(recorders[partition]!.bodies()), shards, eventQueueName(partition));
      files.push((await listKeys(`${tenant}/`)).length);
    }

    // Each partition's batch met one shard: one file each, none for the batch delivered again.
    expect(files).toEqual([1, 2, 3, 4, 4]);
    const ids = (await exportedLines(tenant)).map((line) => line.eventid as string);
    expect(new Set(ids).size).toBe(ids.length);
    const sent = new Set(recorders.flatMap((recorder) => recorder.events()).map((event) => event.eventid as string));
    expect(ids.sort()).toEqual([...sent].sort());
    expect(ids).toHaveLength(24 * 5);
    expect(await committedKeys(tenant, shards)).toEqual(await listKeys(`${tenant}/`));
  });
});

describe("a batch from a queue the consumer does not know", () => {
  it("is exported all the same (an accepted event is never left behind), with a warning naming the queue", async () => {
    const tenant = uniqueTenant("misnamed-partition");
    const { recorders, bindings } = recordingPartitions(1);
    const sender: Sender = { tenant, userid: "user", deviceid: "device" };
    expect((await callWorker(await eventsRequest(sender, sessionsEvents(3, [1, 2])), bindings)).status).toBe(202);
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await deliver(asQueuedMessages(recorders[0]!.bodies()), {}, "audiogum-events-typo");
      expect(warnings.mock.calls.map(([line]) => JSON.parse(String(line)))).toContainEqual(
        expect.objectContaining({ msg: "batch_error", queue: "audiogum-events-typo", step: "unknown_queue" }),
      );
    } finally {
      warnings.mockRestore();
    }

    const ids = (await exportedLines(tenant)).map((line) => line.eventid as string);
    expect(ids.sort()).toEqual(
      recorders[0]!
        .events()
        .map((event) => event.eventid as string)
        .sort(),
    );
  });
});
