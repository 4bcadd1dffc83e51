/**
 * The offered load of the shard-scaling runs (part 3b): 20-event requests of one tenant, each one session of the
 * bench's device, built once and sent alike whatever the shard count. Its sessions are chosen so that every shard
 * of each compared count holds the same number of requests (sessions go to shards by a jump hash,
 * src/core/exports/ledger-shards.ts): with one events queue partition per shard, each partition then carries a
 * whole number of 100-message batches, so the consumer sees full batches at 1, 4 and 16 shards alike, as a busy
 * queue delivers them, not one partial batch per partition at the end of a finite load.
 * The messages of each partition are built the edge's way (`partitionsOfEvents`, `packPartitionedMessages`).
 * @module
 */
import { sessionEventOf } from "../../src/core/exports/shard-groups.js";
import { sessionKey, shardOfSession, type SessionIdentity } from "../../src/core/exports/ledger-shards.js";
import { partitionsOfEvents } from "../../src/core/exports/queue-partitions.js";
import { exportBatch } from "../../src/core/events/export-line.js";
import { packPartitionedMessages } from "../../src/core/events/queue-message.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { benchContext } from "../core/core-paths.js";
import { mixedEvents, sessionIds, SMALL_BATCH } from "../workload.js";

/** The shard counts whose shards the load spreads evenly over: each divides the next. */
export const SCALING_SHARD_COUNTS = [1, 4, 16] as const;
/** The consumer's max_batch_size (wrangler.toml): a full batch. */
const MESSAGES_PER_BATCH = 100;

export interface ShardLoad {
  tenant: string;
  /** Each request's export lines, as the edge enriched them. */
  requests: ShardLoadRequest[];
  events: number;
}

interface ShardLoadRequest {
  lines: string[];
  identities: SessionIdentity[];
}

/**
 * `batchesPerShard` full batches (100 one-request messages) for each of 16 shards: 1,600 requests each, and 4
 * times as many per shard of 4. A session on shard s < 4 of 16 is on shard s of 4 (a jump hash moves sessions
 * only to new shards), and each of shards 4..15 of 16 gives a quarter of its sessions to each shard of 4.
 */
export function shardLoad(tenant: string, batchesPerShard: number, seed: number): ShardLoad {
  return sessionsPerShard(tenant, batchesPerShard * MESSAGES_PER_BATCH, seed);
}

/** A few requests for every shard of every count: the warm-up. */
export function warmUpLoad(tenant: string): ShardLoad {
  return sessionsPerShard(tenant, SCALING_SHARD_COUNTS[1], 3);
}

function sessionsPerShard(tenant: string, perShard: number, seed: number): ShardLoad {
  const [, fewer, most] = SCALING_SHARD_COUNTS;
  if (perShard % fewer !== 0) throw new Error(`requests per shard must be a multiple of ${fewer}, not ${perShard}`);
  const context = { ...benchContext(), tenant };
  const identityOf = (sessionid: string): SessionIdentity => ({
    userid: context.userid,
    deviceid: context.deviceid,
    sessionid,
  });
  const chosen: string[] = [];
  const taken = new Map<string, number>();
  const candidates = sessionIds(seed);
  while (chosen.length < perShard * most) {
    const sessionid = candidates.next().value;
    const key = sessionKey(identityOf(sessionid));
    const onMost = shardOfSession(key, most);
    const onFewer = shardOfSession(key, fewer);
    const cell = `${onFewer}/${onMost}`;
    const quota = onMost < fewer ? (onFewer === onMost ? perShard : 0) : perShard / fewer;
    if ((taken.get(cell) ?? 0) >= quota) continue;
    taken.set(cell, (taken.get(cell) ?? 0) + 1);
    chosen.push(sessionid);
  }
  const events = mixedEvents(chosen.length * SMALL_BATCH, SMALL_BATCH, seed);
  const requests = chosen.map((sessionid, index) => {
    const slice = events.slice(index * SMALL_BATCH, (index + 1) * SMALL_BATCH);
    for (const event of slice) event.sessionid = sessionid;
    const { valid } = validateEvents(slice, DEFAULT_LIMITS);
    const { lines } = exportBatch(valid, context);
    const identities = lines.map(() => identityOf(sessionid));
    // The edge's session identity must be the one the consumer reads back from the line.
    const read = sessionEventOf(JSON.parse(lines[0]!) as Parameters<typeof sessionEventOf>[0]).session;
    if (read !== sessionKey(identities[0]!)) throw new Error(`the line's session ${read} is not the edge's`);
    return { lines, identities };
  });
  return { tenant, requests, events: events.length };
}

/** The load's queue messages per partition, as the edge would send them to `partitions` queues. */
export function partitionMessages(load: ShardLoad, shards: number, partitions: number): string[][] {
  const byPartition: string[][] = Array.from({ length: partitions }, () => []);
  for (const { lines, identities } of load.requests) {
    const partitionOfLine = partitionsOfEvents(load.tenant, identities, shards, partitions);
    for (const [partition, messages] of packPartitionedMessages(load.tenant, lines, partitionOfLine)) {
      byPartition[partition]!.push(...messages);
    }
  }
  return byPartition;
}
