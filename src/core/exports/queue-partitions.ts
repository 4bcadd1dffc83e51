/**
 * Which events queue partition carries an event: the edge can put a tenant's events on several queues
 * (`EVENT_QUEUES`, docs/scale.md), and sends each event to the partition of its ledger shard, so a consumer batch
 * of one partition meets few shards: a claim and a commit per (tenant, shard) and batch, each over many events,
 * instead of every shard of a big tenant in every batch with a few events each.
 * A tenant's shards sit on consecutive partitions from an offset of the tenant's own, so a tenant with no more
 * shards than partitions has one partition per shard, and small tenants (one shard each) spread over all of them.
 * The partition is only where an event travels: the consumer still routes every event to its shard itself, so
 * an event on another partition (a shard count changing while it was queued, a dead letter sent back) is exported
 * exactly once all the same.
 * @module
 */
import { fnv1a32 } from "../foundation/fnv1a32.js";
import { sessionKey, shardOfSession, type SessionIdentity } from "./ledger-shards.js";

export const MAX_EVENT_QUEUES = 64;

/** The partition (0 ≤ partition < partitions) that carries the events of a tenant's ledger shard. */
export function partitionOfShard(tenant: string, shard: number, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new Error(`events travel on at least one queue partition, not ${partitions}`);
  }
  if (partitions === 1) return 0;
  return (fnv1a32(tenant) + shard) % partitions;
}

/**
 * The partition of each of a tenant's events, given its shard count in force: each distinct session hashed
 * once (a request's events mostly share one session).
 */
export function partitionsOfEvents(
  tenant: string,
  identities: readonly SessionIdentity[],
  shards: number,
  partitions: number,
): number[] {
  if (partitions === 1) return identities.map(() => 0);
  const bySession = new Map<string, number>();
  return identities.map((identity) => {
    const key = sessionKey(identity);
    let partition = bySession.get(key);
    if (partition === undefined) {
      partition = partitionOfShard(tenant, shardOfSession(key, shards), partitions);
      bySession.set(key, partition);
    }
    return partition;
  });
}

/** The queue of a partition as wrangler.toml names it: audiogum-events (partition 0), audiogum-events-1, … */
export function eventQueueName(partition: number): string {
  return partition === 0 ? "audiogum-events" : `audiogum-events-${partition}`;
}

/** The partition a queue carries, or undefined when it is no events queue partition (the DLQ, any other). */
export function partitionOfQueue(queue: string): number | undefined {
  if (queue === "audiogum-events") return 0;
  const digits = /^audiogum-events-([1-9]\d{0,2})$/.exec(queue)?.[1];
  const partition = Number(digits);
  return digits !== undefined && partition < MAX_EVENT_QUEUES ? partition : undefined;
}
