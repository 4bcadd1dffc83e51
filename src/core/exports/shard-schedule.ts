/**
 * A tenant's ledger shard counts over time, and what the export consumer does with them when a count changes.
 * A session's shard is a hash over the count (ledger-shards.ts), so a change moves some sessions to another shard,
 * whose ledger has never seen what they sent before. To stay exact across the change, the schedule keeps the
 * counts that were in force (`LEDGER_SHARDS`, `LEDGER_SHARDS_BY_TENANT`: each step a count and the time it took
 * effect), and for a while after a step ends the consumer hands a moved session over: before claiming its events
 * in the new shard it SEALS them in each shard an earlier step put the session in (src/ledger/shard-claims.ts),
 * which answers which of them a committed file there already holds (duplicates), abandons its pending files that
 * hold any of them, and refuses any later claim of the session routed by an older step. The hand-over lasts the
 * dedupe window plus a day after the step ended: the runs an old shard holds for a session were claimed before the
 * step ended (or by an attempt in flight at that moment, minutes at most) and age out a window later.
 * Reads (the pull API, summaries, erasures) ask every shard any step of the schedule has, so a lower count never
 * hides what a higher one wrote.
 * @module
 */
import { shardOfSession } from "./ledger-shards.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Beyond the dedupe window, for attempts that were in flight when a step ended (15 minutes at most). */
export const HANDOVER_MARGIN_MS = DAY_MS;

/** One step of a schedule: `shards` from `from` (epoch ms; 0 for the first step, in force since always). */
export interface ShardStep {
  shards: number;
  from: number;
}

/** Steps in ascending `from`, the first from 0: what the config parses (src/core/foundation/config.ts). */
export type ShardSchedule = readonly ShardStep[];

/** How the consumer routes a tenant's sessions at one moment. */
export interface ShardRouting {
  /** The count in force. */
  shards: number;
  /** When it took effect: a shard refuses claims routed by a step older than the one that moved a session away. */
  stepFrom: number;
  /** Counts of the steps whose hand-over is still running (they ended less than the window + margin ago). */
  handoverShards: readonly number[];
}

export function singleStep(shards: number): ShardSchedule {
  return [{ shards, from: 0 }];
}

/** Checks a parsed schedule: at least one step, the first from 0, then strictly ascending times. */
export function checkSchedule(steps: readonly ShardStep[], name: string): ShardSchedule {
  if (steps.length === 0) throw new Error(`${name} must have at least one step`);
  steps.forEach((step, index) => {
    if (index === 0 && step.from !== 0)
      throw new Error(`${name}: the first step has no "from" (in force since always)`);
    if (index > 0 && !(step.from > steps[index - 1]!.from)) {
      throw new Error(`${name}: every later step needs a "from" after the step before it`);
    }
  });
  return steps;
}

export function routingAt(schedule: ShardSchedule, now: number, dedupeWindowDays: number): ShardRouting {
  let current = 0;
  while (current + 1 < schedule.length && schedule[current + 1]!.from <= now) current++;
  const handoverMs = dedupeWindowDays * DAY_MS + HANDOVER_MARGIN_MS;
  const handoverShards: number[] = [];
  for (let step = 0; step < current; step++) {
    const ended = schedule[step + 1]!.from;
    if (now - ended < handoverMs) handoverShards.push(schedule[step]!.shards);
  }
  return { shards: schedule[current]!.shards, stepFrom: schedule[current]!.from, handoverShards };
}

/** The shards, other than its shard now, that an earlier step still in hand-over put the session in. */
export function handoverShardsOf(session: string, routing: ShardRouting): number[] {
  const now = shardOfSession(session, routing.shards);
  const earlier = new Set<number>();
  for (const shards of routing.handoverShards) {
    const shard = shardOfSession(session, shards);
    if (shard !== now) earlier.add(shard);
  }
  return [...earlier];
}

/** How many shards the reads ask: every shard any step has (shards are numbered from 0). */
export function shardsToRead(schedule: ShardSchedule): number {
  return Math.max(...schedule.map((step) => step.shards));
}
