/**
 * Events queue partitions at the edge (EVENT_QUEUES, src/edge/ingest/event-queues.ts): each accepted event goes
 * on the partition of its session's ledger shard, the request's report once, and a request whose partitions
 * cannot all take its events is refused as a whole.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { sessionKey, shardOfSession } from "../../src/core/exports/ledger-shards.js";
import { partitionOfShard } from "../../src/core/exports/queue-partitions.js";
import { eventsRequest, type Sender } from "../support/ingest.js";
import { recordingPartitions } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const PARTITIONS = 4;

/** Four ledger shards for the tenant, as the consumer routes them. */
const fourShards = (tenant: string): Partial<Env> => ({ LEDGER_SHARDS_BY_TENANT: JSON.stringify({ [tenant]: 4 }) });

/** A device with fixed ids, so which shard each session is on does not depend on the made-up tenant. */
const deviceOf = (tenant: string): Sender => ({ tenant, userid: "user", deviceid: "device" });

/**
 * Three events in each of `sessions` sessions (fixed ids: 24 of them fall on all four shards), interleaved, and an
 * invalid one (so the report has counts). Every other session's events name a user and device of their own, which
 * the line replaces with the token's: the partition must follow the line.
 */
function sessionsEvents(sessions: number): unknown[] {
  const ids = Array.from({ length: sessions }, (_, index) => index.toString(16).padStart(32, "0"));
  const events = [1, 2, 3].flatMap((sequencenumber) =>
    ids.map((sessionid, index) => ({
      ...seedEvents()[4],
      sessionid,
      sequencenumber,
      ...(index % 2 ? { userid: `own-user-${index}`, deviceid: `own-device-${index}` } : {}),
    })),
  );
  return [...events, { ...seedEvents()[4], sessionid: "not-a-session" }];
}

/** The partition the consumer's shard of the line's session puts it on. */
function partitionOfLine(tenant: string, line: Record<string, unknown>): number {
  const key = sessionKey({
    userid: line.userid as string,
    deviceid: line.deviceid as string | undefined,
    sessionid: line.sessionid as string,
  });
  return partitionOfShard(tenant, shardOfSession(key, 4), PARTITIONS);
}

describe("with EVENT_QUEUES = 4, an accepted event", () => {
  it("goes on the partition of its session's shard, each partition's messages holding only its events", async () => {
    const sender = deviceOf(uniqueTenant("partitions"));
    const events = sessionsEvents(24);
    const { recorders, bindings } = recordingPartitions(PARTITIONS);
    const response = await callWorker(await eventsRequest(sender, events), {
      ...bindings,
      ...fourShards(sender.tenant),
    });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(events.length - 1);

    recorders.forEach((recorder, partition) => {
      for (const line of recorder.events()) expect(partitionOfLine(sender.tenant, line)).toBe(partition);
    });
    // Four shards on four partitions of their own: every partition carries some of 24 sessions.
    expect(recorders.every((recorder) => recorder.events().length > 0)).toBe(true);
    expect(recorders.flatMap((recorder) => recorder.events())).toHaveLength(events.length - 1);
    // The report (with the rejection's counts) rides once, with the partition of the first event.
    const reports = recorders.map(
      (recorder) => recorder.bodies().filter((body) => (JSON.parse(body) as { report?: unknown }).report).length,
    );
    const first = recorders.findIndex((recorder) =>
      recorder.events().some((line) => line.sessionid === (events[0] as { sessionid: string }).sessionid),
    );
    expect(reports).toEqual(recorders.map((_, partition) => (partition === first ? 1 : 0)));
  });
});

describe("with EVENT_QUEUES = 4, a request whose partitions cannot all take its events", () => {
  it("is refused with 503 queue_unavailable, nothing sent, when a partition's binding is missing", async () => {
    const sender = deviceOf(uniqueTenant("missing"));
    const { recorders, bindings } = recordingPartitions(PARTITIONS);
    const lines: string[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    let response: Response;
    try {
      // EVENTS_2 names a var, not a queue producer; EVENTS_3 is absent.
      response = await callWorker(await eventsRequest(sender, sessionsEvents(8)), {
        ...bindings,
        EVENTS_2: "audiogum-events-2",
        EVENTS_3: undefined,
      } as Partial<Env>);
    } finally {
      errors.mockRestore();
    }
    expect(response.status).toBe(503);
    const body = (await response.json()) as { accepted?: number; error: { code: string; message: string } };
    expect(body.error.code).toBe("queue_unavailable");
    expect(body.error.message).not.toContain("EVENTS_2");
    expect(body.accepted).toBeUndefined();
    // No event reached any partition (the failed request's own usage is still reported, alone, on EVENTS).
    expect(recorders.map((recorder) => recorder.events())).toEqual([[], [], [], []]);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        msg: "request_error",
        code: "queue_unavailable",
        error_name: "EventQueueMissing",
        error_message: expect.stringContaining("no queue producer binding EVENTS_2 (queue audiogum-events-2)"),
      }),
    ]);
  });

  it("is refused with 503 queue_unavailable when one partition's send fails, its report counted once", async () => {
    const sender = deviceOf(uniqueTenant("outage"));
    const events = sessionsEvents(24);
    // A partition other than the one the report rides on (the first event's) fails.
    const reportPartition = partitionOfLine(sender.tenant, { userid: "user", deviceid: "device", ...events[0]! });
    const failing = (reportPartition + 1) % PARTITIONS;
    const { recorders, bindings } = recordingPartitions(PARTITIONS, (partition) => ({
      forwardTo: null,
      fail: partition === failing,
    }));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let response: Response;
    try {
      response = await callWorker(await eventsRequest(sender, events), {
        ...bindings,
        ...fourShards(sender.tenant),
      });
    } finally {
      errors.mockRestore();
    }
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("queue_unavailable");
    // The report reached its partition: the request's usage is not kept to be sent a second time, alone.
    const reports = recorders.flatMap((recorder) =>
      recorder.bodies().filter((body) => (JSON.parse(body) as { report?: unknown }).report),
    );
    expect(reports).toHaveLength(1);
  });
});

describe("GET /readyz with EVENT_QUEUES = 4", () => {
  it("probes every partition, and names a missing one", async () => {
    const readyz = (bindings: Partial<Env>) =>
      callWorker(collectorRequest("/readyz", { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } }), bindings);
    const { recorders, bindings } = recordingPartitions(PARTITIONS);
    expect((await readyz(bindings)).status).toBe(200);
    expect(recorders.map((recorder) => recorder.bodies().length)).toEqual([1, 1, 1, 1]);

    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let missing: Response;
    try {
      missing = await readyz({ ...bindings, EVENTS_3: undefined } as Partial<Env>);
    } finally {
      errors.mockRestore();
    }
    expect(missing.status).toBe(503);
    const body = (await missing.json()) as { checks: { queue: string } };
    expect(body.checks.queue).toContain("no queue producer binding EVENTS_3");
  });
});
