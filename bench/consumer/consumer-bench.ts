/**
 * Part 3: the real queue consumer exporting full batches (100 messages of one 20-event request each, as the
 * edge packs them) to R2 through the sharded ledger (src/ledger/), for a fleet profile: how many tenants share a
 * batch and how many ledger shards each tenant has. Every figure comes from the consumer's own `batch` log lines
 * (events, files, bytes, ledger calls, rows the shards and D1 read and wrote, the largest shard's size, the time
 * the consumer waited on the ledger) and workerd's CPU time from /proc. The D1 claims of before the shards are
 * switched off (LEGACY_CLAIMS_UNTIL in the past): the steady state after the migration.
 * @module
 */
import { exportBatch } from "../../src/core/events/export-line.js";
import { packEventMessages } from "../../src/core/events/queue-message.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { benchContext } from "../core/core-paths.js";
import { median } from "../lib/stats.js";
import { waitFor } from "../lib/wait-for.js";
import { startCollector } from "../runtime/collector.js";
import { childWorkerdPids, cpuSeconds } from "../runtime/process-cpu.js";
import { mixedEvents, SMALL_BATCH, utf8Bytes } from "../workload.js";

const MESSAGES_PER_BATCH = 100;

export interface ConsumerProfile {
  /** Tenants whose messages share each 100-message batch (messages are dealt round-robin). */
  tenantsPerBatch: number;
  /** Ledger shards of every tenant. */
  shards: number;
}

export interface ConsumerResult {
  profile: ConsumerProfile;
  batches: number;
  eventsPerBatch: number;
  eventsPerSecond: number;
  batchMs: number;
  cpuMsPerBatch: number;
  filesPerBatch: number;
  eventsPerFile: number;
  ledgerCallsPerBatch: number;
  ledgerRowsWrittenPerEvent: number;
  ledgerRowsReadPerEvent: number;
  ledgerRowsWrittenPerFile: number;
  ledgerRowsReadPerFile: number;
  /** Milliseconds the consumer waited on ledger calls, per batch (an upper bound on the shards' active time). */
  ledgerMsPerBatch: number;
  /** The longest any one shard kept a batch waiting (claim + commit), median over batches. */
  maxShardMsPerBatch: number;
  /** The largest shard's SQLite size at the end, over the events exported to it. */
  shardBytesPerEvent: number;
  d1RowsWrittenPerEvent: number;
  d1RowsReadPerEvent: number;
  r2PutsPerBatch: number;
  r2BytesPerEvent: number;
  messageBytes: number;
  /** Bytes the server fields (eventid, receivedat, eventtime, eventtimesource, clockskewms, tenant, userid, deviceid, geo) add to an event's JSON. */
  serverFieldBytesPerEvent: number;
}

interface LogLine {
  msg?: string;
  [field: string]: unknown;
}

function tenantOf(index: number): string {
  return `bench-${index}`;
}

/** The queue messages of `requests` 20-event requests, one message each, dealt round-robin over the tenants. */
async function edgeMessages(requests: number, seed: number, tenants: number) {
  const events = mixedEvents(requests * SMALL_BATCH, SMALL_BATCH, seed);
  const rawEventBytes = events.reduce((total, event) => total + utf8Bytes(JSON.stringify(event)), 0);
  const messages: string[] = [];
  for (let start = 0, request = 0; start < events.length; start += SMALL_BATCH, request++) {
    const tenant = tenantOf(request % tenants);
    const { valid } = validateEvents(events.slice(start, start + SMALL_BATCH), DEFAULT_LIMITS);
    const { lines } = exportBatch(valid, { ...benchContext(), tenant });
    messages.push(...packEventMessages(tenant, lines));
  }
  return { messages, rawEventBytes };
}

export async function runConsumer(batches: number, profile: ConsumerProfile): Promise<ConsumerResult> {
  const lines: LogLine[] = [];
  const collector = await startCollector({
    shape: "consumer",
    tenant: tenantOf(0),
    vars: { LEDGER_SHARDS: String(profile.shards), LEGACY_CLAIMS_UNTIL: "2000-01-01T00:00:00Z" },
    onLogLine: (line) => {
      if (!line.startsWith("{")) return;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // Not one of the collector's JSON lines.
      }
    },
  });
  try {
    const pids = childWorkerdPids();
    const queue = await collector.miniflare.getQueueProducer<string>("EVENTS", "collector");
    const batchLines: LogLine[] = [];
    const cpuMs: number[] = [];
    let messageBytes = 0;
    let allMessageBytes = 0;
    let allRawBytes = 0;
    let allEvents = 0;
    // One extra batch first: a warm-up that is not counted.
    for (let batch = 0; batch <= batches; batch++) {
      const { messages, rawEventBytes } = await edgeMessages(MESSAGES_PER_BATCH, 100 + batch, profile.tenantsPerBatch);
      messageBytes = median(messages.map(utf8Bytes));
      allMessageBytes += messages.reduce((total, message) => total + utf8Bytes(message), 0);
      allRawBytes += rawEventBytes;
      allEvents += MESSAGES_PER_BATCH * SMALL_BATCH;
      const seen = lines.filter((line) => line.msg === "batch").length;
      const cpuBefore = cpuSeconds(pids);
      // A sendBatch may carry 256 KB: send the messages in small groups.
      for (let start = 0; start < messages.length; start += 10) {
        await queue.sendBatch(
          messages.slice(start, start + 10).map((body) => ({ body, contentType: "text" as const })),
        );
      }
      const line = await waitFor(
        () => lines.filter((entry) => entry.msg === "batch")[seen],
        "the consumer's batch line",
      );
      cpuMs.push((cpuSeconds(pids) - cpuBefore) * 1000);
      if (batch > 0) batchLines.push(line);
    }
    const field = (line: LogLine, name: string) => Number(line[name] ?? 0);
    const sum = (name: string) => batchLines.reduce((total, line) => total + field(line, name), 0);
    const totalEvents = sum("events_in");
    const files = sum("files");
    const exportedPerShard = (allEvents * 1) / (profile.tenantsPerBatch * profile.shards);
    return {
      profile,
      batches: batchLines.length,
      eventsPerBatch: median(batchLines.map((line) => field(line, "events_in"))),
      eventsPerSecond: median(
        batchLines.map((line) => (field(line, "events_in") / Math.max(1, field(line, "duration_ms"))) * 1000),
      ),
      batchMs: median(batchLines.map((line) => field(line, "duration_ms"))),
      cpuMsPerBatch: median(cpuMs.slice(1)),
      filesPerBatch: files / batchLines.length,
      eventsPerFile: totalEvents / Math.max(1, files),
      ledgerCallsPerBatch: sum("ledger_calls") / batchLines.length,
      ledgerRowsWrittenPerEvent: sum("ledger_rows_written") / totalEvents,
      ledgerRowsReadPerEvent: sum("ledger_rows_read") / totalEvents,
      ledgerRowsWrittenPerFile: sum("ledger_rows_written") / Math.max(1, files),
      ledgerRowsReadPerFile: sum("ledger_rows_read") / Math.max(1, files),
      ledgerMsPerBatch: sum("ledger_ms") / batchLines.length,
      maxShardMsPerBatch: median(batchLines.map((line) => field(line, "ledger_max_shard_ms"))),
      shardBytesPerEvent:
        Math.max(...batchLines.map((line) => field(line, "ledger_max_shard_bytes"))) / exportedPerShard,
      d1RowsWrittenPerEvent: sum("d1_rows_written") / totalEvents,
      d1RowsReadPerEvent: sum("d1_rows_read") / totalEvents,
      r2PutsPerBatch: files / batchLines.length,
      r2BytesPerEvent: sum("bytes_written") / totalEvents,
      messageBytes,
      // Each message adds its envelope ({"v":1,"tenant":…,"events":[…]}) and a comma per event: counted here too.
      serverFieldBytesPerEvent: (allMessageBytes - allRawBytes) / allEvents,
    };
  } finally {
    await collector.dispose();
  }
}
