/**
 * The events queue partitions the edge sends to (`EVENT_QUEUES`, docs/scale.md "How producers choose a queue"),
 * and which one each accepted event goes on. Partition 0 is the EVENTS binding (queue `audiogum-events`);
 * partition k ≥ 1 is the producer binding `EVENTS_k` (queue `audiogum-events-k`). Only a deployment that sets
 * EVENT_QUEUES above 1 declares those, so they are not in the generated Env: this module alone looks them up by
 * name, and checks that each is a queue producer. A missing one fails the request with 503 `queue_unavailable`
 * before anything is sent (nothing is claimed accepted), and the error log line names the binding to add.
 * @module
 */
import { ledgerRoutingOf, type CollectorConfig } from "../../core/foundation/config.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { eventQueueName, partitionsOfEvents } from "../../core/exports/queue-partitions.js";

/** The binding name of partition `partition`: EVENTS, EVENTS_1, EVENTS_2, … */
export function eventQueueBinding(partition: number): string {
  return partition === 0 ? "EVENTS" : `EVENTS_${partition}`;
}

/**
 * The producer of each of the `partitions` partitions, partition 0 first. Throws `queue_unavailable` when one is
 * missing or not a queue producer; its cause (logged, never shown to the device) says what to fix.
 */
export function eventQueues(env: Env, partitions: number): Queue[] {
  if (partitions === 1) return [env.EVENTS];
  const bindings = env as unknown as Record<string, unknown>;
  return Array.from({ length: partitions }, (_, partition) => {
    const name = eventQueueBinding(partition);
    const binding = bindings[name];
    if (isQueueProducer(binding)) return binding;
    const cause = new Error(
      `EVENT_QUEUES is ${partitions} but the Worker has no queue producer binding ${name} ` +
        `(queue ${eventQueueName(partition)}): add it to wrangler.toml, or lower EVENT_QUEUES`,
    );
    cause.name = "EventQueueMissing";
    throw queueUnavailable(cause);
  });
}

/** The 503 of a request whose events could not all be queued; `cause` is logged, never shown to the device. */
export function queueUnavailable(cause: unknown): CollectorError {
  return new CollectorError("queue_unavailable", "The events could not be queued; retry the same request later.", {
    cause,
  });
}

/**
 * The partition of each accepted event of one request: its session is (the token's user and device, the event's
 * session id), exactly what the consumer reads from the export line (the line's userid and deviceid are the
 * token's: a device's own fields of those names are dropped at validation), hashed to its ledger shard by the
 * tenant's shard count in force now. Undefined with one partition: nothing to hash.
 */
export function partitionsOfRequest(
  config: CollectorConfig,
  sender: { tenant: string; userid: string; deviceid: string | undefined },
  accepted: readonly { event: { sessionid: string } }[],
  now: number,
): number[] | undefined {
  if (config.eventQueues === 1) return undefined;
  const { shards } = ledgerRoutingOf(config, sender.tenant, now);
  const identities = accepted.map(({ event }) => ({
    userid: sender.userid,
    deviceid: sender.deviceid,
    sessionid: event.sessionid,
  }));
  return partitionsOfEvents(sender.tenant, identities, shards, config.eventQueues);
}

function isQueueProducer(binding: unknown): binding is Queue {
  const candidate = binding as Partial<Queue> | null | undefined;
  return typeof candidate?.send === "function" && typeof candidate.sendBatch === "function";
}
