/**
 * Splits a consumer batch into one group per (tenant, ledger shard): each group becomes one export file,
 * claimed and committed in its one shard (a file never spans two shards, so its commit is one transaction).
 * A message whose events fall in several shards belongs to each of their groups, and is acked only when all of
 * them are exported.
 * @module
 */
import { z } from "zod";
import { ledgerShardName, sessionKey, shardOfSession } from "./ledger-shards.js";
import type { SessionNumbers } from "./ledger-protocol.js";
import type { ShardRouting } from "./shard-schedule.js";
import { groupByTenant, type DecodedMessage, type QueuedEvent, type TenantGroup } from "./tenant-groups.js";

export interface ShardGroup<M> extends TenantGroup<M> {
  shard: number;
  /** How the tenant's sessions were routed: the count in force and the earlier ones still handed over. */
  routing: ShardRouting;
}

/** What the ledger reads of a queued event: the parts of its event id (src/core/events/event-id.ts). */
const sessionEventSchema = z.looseObject({
  userid: z.string(),
  deviceid: z.string().optional(),
  sessionid: z.string(),
  sequencenumber: z.int(),
});

export interface SessionEvent {
  session: string;
  sequence: number;
}

/** The session key and sequence number of a queued event; throws when the event lacks them (a poison message). */
export function sessionEventOf(event: QueuedEvent): SessionEvent {
  const fields = sessionEventSchema.parse(event);
  return {
    session: sessionKey({ userid: fields.userid, deviceid: fields.deviceid, sessionid: fields.sessionid }),
    sequence: fields.sequencenumber,
  };
}

/** Events as the ledger takes them: parallel arrays, each session key named once (ledger-protocol.ts). */
export function sessionNumbersOf(events: readonly QueuedEvent[], stepFrom: number): SessionNumbers {
  const sessions: string[] = [];
  const sessionIndex = new Map<string, number>();
  const sessionOf: number[] = [];
  const sequence: number[] = [];
  for (const event of events) {
    const { session, sequence: number } = sessionEventOf(event);
    let index = sessionIndex.get(session);
    if (index === undefined) {
      index = sessions.push(session) - 1;
      sessionIndex.set(session, index);
    }
    sessionOf.push(index);
    sequence.push(number);
  }
  return { sessions, sessionOf, sequence, stepFrom };
}

export function groupByShard<M>(
  decoded: readonly DecodedMessage<M>[],
  routingOf: (tenant: string) => ShardRouting,
): ShardGroup<M>[] {
  const shardOfName = new Map<string, { tenant: string; shard: number; routing: ShardRouting }>();
  const split: DecodedMessage<M>[] = [];
  for (const entry of decoded) {
    const routing = routingOf(entry.tenant);
    const byShard = new Map<number, QueuedEvent[]>();
    for (const event of entry.events) {
      const shard = shardOfSession(sessionEventOf(event).session, routing.shards);
      const events = byShard.get(shard);
      if (events) events.push(event);
      else byShard.set(shard, [event]);
    }
    for (const [shard, events] of byShard) {
      const name = ledgerShardName(entry.tenant, shard);
      shardOfName.set(name, { tenant: entry.tenant, shard, routing });
      // The report goes with the message's first event, to that event's shard.
      const report = events[0] === entry.events[0] ? entry.report : undefined;
      split.push({ message: entry.message, tenant: name, events, report });
    }
  }
  return groupByTenant(split).map((group) => ({ ...group, ...shardOfName.get(group.tenant)! }));
}
