/**
 * Step 0b of the export protocol (export-tenant-group.ts), only while a change of the tenant's shard count hands
 * sessions over (src/core/exports/shard-schedule.ts): the group's events whose session an earlier count put in
 * another shard are sealed there first. The events a committed file of an earlier shard holds are duplicates; the
 * rest can no longer commit anywhere but in the group's shard, which the claim then decides alone.
 * @module
 */
import type { CommittedFile, LedgerUsage, SealResult } from "../core/exports/ledger-protocol.js";
import { ledgerShardName } from "../core/exports/ledger-shards.js";
import { sessionEventOf, sessionNumbersOf, type ShardGroup } from "../core/exports/shard-groups.js";
import { handoverShardsOf } from "../core/exports/shard-schedule.js";
import type { QueuedEvent } from "../core/exports/tenant-groups.js";

export interface Handover {
  /** The events no earlier shard's committed file holds: for the claim. */
  remaining: readonly QueuedEvent[];
  /** Earlier shards' committed files holding some of the events (their delivery hook runs again). */
  heldBy: CommittedFile[];
  /** Objects of earlier shards' pending files that can no longer commit. */
  abandonedKeys: string[];
  /** One entry per shard call. */
  usage: LedgerUsage[];
}

/** Seals the group's moved sessions in each earlier shard, in parallel; any failure throws (the caller retries). */
export async function handOverSessions(
  group: ShardGroup<unknown>,
  events: readonly QueuedEvent[],
  ledger: Env["LEDGER"],
): Promise<Handover> {
  const handover: Handover = { remaining: events, heldBy: [], abandonedKeys: [], usage: [] };
  if (group.routing.handoverShards.length === 0) return handover;
  const byShard = new Map<number, number[]>();
  events.forEach((event, index) => {
    for (const shard of handoverShardsOf(sessionEventOf(event).session, group.routing)) {
      const indices = byShard.get(shard);
      if (indices) indices.push(index);
      else byShard.set(shard, [index]);
    }
  });
  const duplicates = new Set<number>();
  await Promise.all(
    [...byShard].map(async ([shard, indices]) => {
      const stub = ledger.get(ledger.idFromName(ledgerShardName(group.tenant, shard)));
      const moved = indices.map((index) => events[index]!);
      const result = (await stub.seal(sessionNumbersOf(moved, group.routing.stepFrom))) as SealResult;
      for (const event of result.committed) duplicates.add(indices[event]!);
      handover.heldBy.push(...result.heldBy);
      handover.abandonedKeys.push(...result.abandonedKeys);
      handover.usage.push(result.usage);
    }),
  );
  handover.remaining = events.filter((_, index) => !duplicates.has(index));
  return handover;
}
