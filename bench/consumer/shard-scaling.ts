/**
 * Part 3b: does the ledger's capacity grow with its shards? The real consumer exports one tenant's offered load
 * (bench/consumer/shard-load.ts: the same 20-event requests at every shard count) through N ledger shards whose
 * events travel on N events queue partitions, sent the edge's way (each event on its shard's partition,
 * EVENT_QUEUES, src/core/exports/queue-partitions.ts), so a consumer batch meets one shard with a full batch of
 * events. Miniflare runs every shard in one workerd isolate, one piece of JavaScript at a time, so wall-clock time
 * cannot show shards working in parallel; what is measured is the shards' own CPU over the whole load (V8's
 * sampling profiler over their `claim` and `commit` calls), per 1,000 events. In production each shard has a
 * thread of its own, so N shards absorb N times one shard's events when each event costs them the same CPU:
 * efficiency(N) = CPU per event (1 shard) / CPU per event (N shards) (bench/targets.ts).
 * A run with N shards on one queue (every batch split over all of them) is the contrast: what partitions change.
 * @module
 */
import { waitFor } from "../lib/wait-for.js";
import { median } from "../lib/stats.js";
import { startCollector } from "../runtime/collector.js";
import { inclusiveMs, startProfiling, stopProfiling } from "../runtime/cpu-profile.js";
import { freePort } from "../runtime/free-port.js";
import { InspectorSession } from "../runtime/inspector.js";
import { jsonLogLines, numberField, type LogLine } from "../runtime/log-lines.js";
import { groupIntoSendBatches } from "../../src/core/events/queue-message.js";
import { eventQueueBinding } from "../../src/edge/ingest/event-queues.js";
import { partitionMessages, type ShardLoad, warmUpLoad } from "./shard-load.js";

export interface ShardScalingProfile {
  shards: number;
  /** Events queue partitions the load travels on (1: every event on the one queue). */
  partitions: number;
}

export interface ShardScalingResult {
  profile: ShardScalingProfile;
  /** The counted load (the warm-up before it is not counted). */
  events: number;
  messages: number;
  /** Consumer batches that exported it, and the queues they came from. */
  batches: number;
  queues: number;
  messagesPerBatch: { min: number; median: number; max: number };
  eventsPerBatch: number;
  files: number;
  eventsPerFile: number;
  ledgerCalls: number;
  /** The shards' CPU in their claim and commit calls over the whole load, all shards together. */
  shardCpuMs: number;
  shardCpuMsPer1000Events: number;
  /** From the first message sent to the last batch line: one machine, every shard on one thread. */
  wallMs: number;
}

/** The ledger shard's methods a batch calls (src/ledger/export-ledger-shard.ts). */
const SHARD_CALLS = new Set(["claim", "commit"]);

/** The profiles part 3b runs: 1, 4 and 16 shards on as many partitions, then 16 shards on one queue. */
export const SHARD_SCALING_PROFILES: readonly ShardScalingProfile[] = [
  { shards: 1, partitions: 1 },
  { shards: 4, partitions: 4 },
  { shards: 16, partitions: 16 },
  { shards: 16, partitions: 1 },
];

export async function runShardScaling(load: ShardLoad, profile: ShardScalingProfile): Promise<ShardScalingResult> {
  const { lines, onLogLine } = jsonLogLines();
  const inspectorPort = await freePort();
  const collector = await startCollector({
    inspectorPort,
    shape: "consumer",
    tenant: load.tenant,
    eventQueues: profile.partitions,
    vars: { LEDGER_SHARDS: String(profile.shards), LEGACY_CLAIMS_UNTIL: "2000-01-01T00:00:00Z" },
    onLogLine,
  });
  const inspector = await InspectorSession.connect(inspectorPort, "collector");
  try {
    const producers = await Promise.all(
      Array.from({ length: profile.partitions }, (_, partition) =>
        collector.miniflare.getQueueProducer<string>(eventQueueBinding(partition), "collector"),
      ),
    );
    const offer = async (offered: ShardLoad): Promise<{ messages: number; batchLines: LogLine[] }> => {
      const from = lines.length;
      const byPartition = partitionMessages(offered, profile.shards, profile.partitions);
      // Each partition's messages together, so its batches fill before the batch timeout.
      for (const [partition, messages] of byPartition.entries()) {
        for (const group of groupIntoSendBatches(messages)) {
          await producers[partition]!.sendBatch(group.map((body) => ({ body, contentType: "text" as const })));
        }
      }
      const batchLines = await waitFor(() => {
        const seen = lines.slice(from).filter((line) => line.msg === "batch");
        const exported = seen.reduce((total, line) => total + numberField(line, "events_in"), 0);
        return exported >= offered.events ? seen : undefined;
      }, `batch lines for ${offered.events} events`);
      return { messages: byPartition.reduce((total, messages) => total + messages.length, 0), batchLines };
    };
    // The warm-up touches every shard (and warms the consumer's code) before anything is counted.
    await offer(warmUpLoad(load.tenant));
    await startProfiling(inspector);
    const started = performance.now();
    const { messages, batchLines } = await offer(load);
    const wallMs = performance.now() - started;
    const shardCpuMs = inclusiveMs(await stopProfiling(inspector), SHARD_CALLS);
    const sum = (name: string) => batchLines.reduce((total, line) => total + numberField(line, name), 0);
    const perBatch = batchLines.map((line) => numberField(line, "messages"));
    const events = sum("events_in");
    return {
      profile,
      events,
      messages,
      batches: batchLines.length,
      queues: new Set(batchLines.map((line) => line.queue)).size,
      messagesPerBatch: { min: Math.min(...perBatch), median: median(perBatch), max: Math.max(...perBatch) },
      eventsPerBatch: median(batchLines.map((line) => numberField(line, "events_in"))),
      files: sum("files"),
      eventsPerFile: events / Math.max(1, sum("files")),
      ledgerCalls: sum("ledger_calls"),
      shardCpuMs,
      shardCpuMsPer1000Events: (shardCpuMs / events) * 1000,
      wallMs,
    };
  } finally {
    inspector.close();
    await collector.dispose();
  }
}
