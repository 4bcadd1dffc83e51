/**
 * The fault matrix: the ledger shard, R2 and D1 fail at each step of the export (the bindings are wrapped), the
 * queue replays what was retried, and every accepted event still ends up in R2 exactly once, with no object left
 * outside the committed files.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { EXPORT_RETRY_BACKOFF, retryDelaySeconds } from "../../src/core/foundation/retry-backoff.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "../support/deliver.js";
import { committedKeys, exportedLines, listKeys } from "../support/export-objects.js";
import { afterFirstPut, failingShardCall, failingStatement, failOnce, type Fault } from "../support/faults.js";
import { acceptedMessageBodies, senderFor } from "../support/ingest.js";
import { eventsOf } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { HOUR_MS } from "../support/time.js";
import { runQueueHandler } from "../support/worker.js";
import { sweepShardsAt } from "../support/ledger.js";

interface Arrangement {
  faults: Fault<unknown>[];
  bindingsFor(delivery: number): Partial<Env>;
  /** Whether the shard's sweep (its alarm) must run before no orphan object remains. */
  needsSweeper?: boolean;
}

interface Scenario {
  name: string;
  arrange(messageBodies: readonly string[]): Arrangement;
}

function onFirstDelivery(bindings: Partial<Env>) {
  return (delivery: number) => (delivery === 1 ? bindings : {});
}

function singleFault(
  fault: Fault<D1Database> | Fault<R2Bucket> | Fault<Env["LEDGER"]>,
  binding: "DB" | "EXPORTS" | "LEDGER",
): Arrangement {
  return { faults: [fault], bindingsFor: onFirstDelivery({ [binding]: fault.binding }) };
}

const scenarios: Scenario[] = [
  {
    name: "the check of the D1 claims of before the shards fails",
    arrange: () => singleFault(failOnce(env.DB, "batch", "before"), "DB"),
  },
  {
    name: "the shard's claim fails before it applies",
    arrange: () => singleFault(failingShardCall(env.LEDGER, "claim", "before"), "LEDGER"),
  },
  {
    name: "the shard's claim applies, then fails (the Worker died after claiming)",
    arrange: () => singleFault(failingShardCall(env.LEDGER, "claim", "after"), "LEDGER"),
  },
  {
    name: "the R2 put fails",
    arrange: () => singleFault(failOnce(env.EXPORTS, "put", "before"), "EXPORTS"),
  },
  {
    name: "the R2 put stores the object, then fails (the Worker died after writing)",
    arrange: () => singleFault(failOnce(env.EXPORTS, "put", "after"), "EXPORTS"),
  },
  {
    name: "the shard's commit fails before it applies",
    arrange: () => singleFault(failingShardCall(env.LEDGER, "commit", "before"), "LEDGER"),
  },
  {
    name: "the shard's commit applies, then fails (its outcome is unknown to the consumer)",
    arrange: () => singleFault(failingShardCall(env.LEDGER, "commit", "after"), "LEDGER"),
  },
  {
    name: "the delivery hook's D1 write fails after the commit",
    arrange: () => singleFault(failingStatement(env.DB, "INSERT INTO export_files"), "DB"),
  },
  {
    name: "a concurrent attempt with the same events takes the claims between write and commit",
    arrange: (bodies) => {
      const concurrent = afterFirstPut(env.EXPORTS, async () => {
        const other = await deliver(asQueuedMessages(bodies));
        expect(other.acked).toHaveLength(bodies.length);
      });
      return singleFault(concurrent, "EXPORTS");
    },
  },
  {
    name: "the object of an abandoned file cannot be deleted (the shard's sweep deletes it)",
    arrange: () => {
      const diedAfterWrite = failOnce(env.EXPORTS, "put", "after");
      const deleteFails = failOnce(env.EXPORTS, "delete", "before");
      return {
        faults: [diedAfterWrite, deleteFails],
        bindingsFor: (delivery) =>
          delivery === 1 ? { EXPORTS: diedAfterWrite.binding } : { EXPORTS: deleteFails.binding },
        needsSweeper: true,
      };
    },
  },
];

function sortedByEventId(lines: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...lines].sort((a, b) => String(a.eventid).localeCompare(String(b.eventid)));
}

async function twoMessagesOfSeedEvents(tenant: string): Promise<string[]> {
  const sender = senderFor(tenant);
  const events = seedEvents();
  const half = Math.ceil(events.length / 2);
  return [
    ...(await acceptedMessageBodies(sender, events.slice(0, half))),
    ...(await acceptedMessageBodies(sender, events.slice(half))),
  ];
}

describe("every accepted event is in R2 exactly once, whatever fails", () => {
  it.each(scenarios)("when $name", async (scenario) => {
    const tenant = uniqueTenant("fault");
    const bodies = await twoMessagesOfSeedEvents(tenant);
    const arrangement = scenario.arrange(bodies);

    const deliveries = await deliverUntilAcked(asQueuedMessages(bodies), arrangement.bindingsFor);

    expect(arrangement.faults.every((fault) => fault.fired())).toBe(true);
    expect(deliveries).toBeGreaterThan(1);
    if (arrangement.needsSweeper) {
      expect(await listKeys(`${tenant}/`)).not.toEqual(await committedKeys(tenant));
      await sweepShardsAt(tenant, Date.now() + 2 * HOUR_MS);
    }
    expect(sortedByEventId(await exportedLines(tenant))).toEqual(sortedByEventId(eventsOf(bodies)));
    const committed = await committedKeys(tenant);
    expect(committed).toHaveLength(1);
    expect(await listKeys(`${tenant}/`)).toEqual(committed);
  });
});

describe("a failure retries only the messages it concerns", () => {
  it("a tenant whose write fails is retried; another tenant in the same batch is acked and exported", async () => {
    const healthy = uniqueTenant("healthy");
    const failing = uniqueTenant("failing");
    const healthyMessages = asQueuedMessages(await acceptedMessageBodies(senderFor(healthy), seedEvents()));
    const failingMessages = asQueuedMessages(await acceptedMessageBodies(senderFor(failing), seedEvents()));
    const putFails = failOnce(env.EXPORTS, "put", "before", (args) => String(args[0]).startsWith(`${failing}/`));

    const result = await deliver([...healthyMessages, ...failingMessages], { EXPORTS: putFails.binding });

    expect(result.acked.map((message) => message.id)).toEqual(healthyMessages.map((message) => message.id));
    expect(result.retried.map((message) => message.id)).toEqual(failingMessages.map((message) => message.id));
    expect(await exportedLines(healthy)).toHaveLength(seedEvents().length);
    expect(await listKeys(`${failing}/`)).toEqual([]);
  });

  it("a retried message waits longer the more attempts it has had", async () => {
    // getQueueResult does not report retry delays, so this delivery records what the consumer asks for.
    const [body] = await acceptedMessageBodies(senderFor(uniqueTenant("backoff")), seedEvents());
    const delayAsked = async (attempts: number): Promise<unknown> => {
      const retry = vi.fn();
      const message = { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: body!, ack: vi.fn(), retry };
      const batch: MessageBatch<string> = {
        queue: "audiogum-events",
        messages: [message],
        metadata: { metrics: { backlogCount: 1, backlogBytes: body!.length } },
        ackAll: vi.fn(),
        retryAll: vi.fn(),
      };
      await runQueueHandler(batch, { EXPORTS: failOnce(env.EXPORTS, "put", "before").binding });
      expect(retry).toHaveBeenCalledTimes(1);
      return retry.mock.calls[0]![0];
    };

    const first = await delayAsked(1);
    const fourth = await delayAsked(4);

    expect(first).toEqual({ delaySeconds: retryDelaySeconds(1, EXPORT_RETRY_BACKOFF) });
    expect(fourth).toEqual({ delaySeconds: retryDelaySeconds(4, EXPORT_RETRY_BACKOFF) });
    expect(retryDelaySeconds(4, EXPORT_RETRY_BACKOFF)).toBeGreaterThan(retryDelaySeconds(1, EXPORT_RETRY_BACKOFF));
  });
});
