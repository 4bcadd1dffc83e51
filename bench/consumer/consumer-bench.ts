/**
 * Part 3: the real queue consumer exporting full batches (100 messages of one 20-event request each, as the
 * edge packs them) to R2 through the sharded ledger (src/ledger/), for a fleet profile: how many tenants share a
 * batch and how many ledger shards each tenant has. Every figure comes from the consumer's own `batch` log lines
 * (events, files, bytes, ledger calls, rows the shards and D1 read and wrote, the largest shard's size, the time
 * the consumer waited on the ledger) and workerd's CPU time from /proc. The D1 claims of before the shards are
 * switched off (LEGACY_CLAIMS_UNTIL in the past): the steady state after the migration.
 * @module
 */
import type { ShardStorage } from "../../src/core/exports/ledger-protocol.js";
import { ledgerShardName } from "../../src/core/exports/ledger-shards.js";
import { emptyStorageKinds } from "../../src/ledger/shard-storage.js";
import { exportBatch } from "../../src/core/events/export-line.js";
import { packEventMessages } from "../../src/core/events/queue-message.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { benchContext } from "../core/core-paths.js";
import { median } from "../lib/stats.js";
import { waitFor } from "../lib/wait-for.js";
import { type RunningCollector, startCollector } from "../runtime/collector.js";
import { inclusiveMs, startProfiling, stopProfiling } from "../runtime/cpu-profile.js";
import { freePort } from "../runtime/free-port.js";
import { InspectorSession } from "../runtime/inspector.js";
import { jsonLogLines, numberField as field, type LogLine } from "../runtime/log-lines.js";
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
  /**
   * CPU the ledger shards spent in their claim and commit calls per batch, all shards together (V8's sampling
   * profiler in the one workerd isolate they share with the consumer here): the work that adding shards spreads.
   */
  shardCpuMsPerBatch: number;
  /** The longest any one shard kept a batch waiting (claim + commit), median over batches. */
  maxShardMsPerBatch: number;
  /** The largest shard's SQLite size at the end, over the events exported to it. */
  shardBytesPerEvent: number;
  d1RowsWrittenPerEvent: number;
  d1RowsReadPerEvent: number;
  r2PutsPerBatch: number;
  r2BytesPerEvent: number;
  messageBytes: number;
  /**
   * The rows the shards' sweeps read and write to age out what this run stored (runs after the dedupe window,
   * files after the manifest retention, minute rollups after a day or two), per event: the same rows are billed
   * once each event's rows leave, so they belong to its cost. Measured by sweeping every shard at later clocks.
   */
  agingRowsWrittenPerEvent: number;
  agingRowsReadPerEvent: number;
  /** What a shard's daily sweep reads and writes whatever it holds (its bookkeeping), per shard and day. */
  dailySweepRowsWrittenPerShard: number;
  dailySweepRowsReadPerShard: number;
  /**
   * What the shards hold at the end, by kind (src/ledger/shard-storage.ts), summed over every shard; the day
   * rollups as the first ageing sweep folded them from the minutes.
   */
  storage: ShardStorage["kinds"];
  /** Events the shards received (the counted batches and the warm-up). */
  storedEvents: number;
  /** Shards that received them, and the size of an empty one (SQLite pages of its tables). */
  shardCount: number;
  emptyShardBytes: number;
  /** Bytes the server fields (eventid, receivedat, eventtime, eventtimesource, clockskewms, tenant, userid, deviceid, geo) add to an event's JSON. */
  serverFieldBytesPerEvent: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The ledger shard's methods a batch calls (src/ledger/export-ledger-shard.ts). */
const SHARD_CALLS = new Set(["claim", "commit"]);
/**
 * The clocks the shards are swept at after the run (after a first sweep at once, which ages nothing), in days
 * from now: past the minute rollups' fold (2 days),
 * the dedupe window (7 days, plus the day tables' day) and the manifest retention (31 days). A sweep ages rows at
 * most once a day, so each is a day apart at least.
 */
const AGING_SWEEP_DAYS = [3, 9, 33] as const;

interface LedgerStub {
  storage(): Promise<ShardStorage>;
  sweep(now: number): Promise<{ usage: { rowsRead: number; rowsWritten: number } }>;
}

/** Every shard's storage, then the rows its sweeps read and wrote to age everything out. */
async function ageShards(collector: RunningCollector, profile: ConsumerProfile) {
  const namespace = await collector.miniflare.getDurableObjectNamespace("LEDGER");
  const stubs: LedgerStub[] = [];
  for (let tenant = 0; tenant < profile.tenantsPerBatch; tenant++) {
    for (let shard = 0; shard < profile.shards; shard++) {
      const name = ledgerShardName(tenantOf(tenant), shard);
      stubs.push(namespace.get(namespace.idFromName(name)) as unknown as LedgerStub);
    }
  }
  const storage = await storageOf(stubs);
  const empty = namespace.get(namespace.idFromName(ledgerShardName("bench-empty", 0))) as unknown as LedgerStub;
  const emptyShardBytes = (await empty.storage()).databaseBytes;
  const now = Date.now();
  // A first sweep finds nothing old yet: what any shard's daily sweep costs by itself (its bookkeeping).
  const daily = await sweepAll(stubs, now);
  const aging = { rowsRead: 0, rowsWritten: 0 };
  for (const days of AGING_SWEEP_DAYS) {
    const swept = await sweepAll(stubs, now + days * DAY_MS);
    // A sweep after tables were dropped reads a shorter table list than the first one did: never below nothing.
    aging.rowsRead += Math.max(0, swept.rowsRead - daily.rowsRead);
    aging.rowsWritten += Math.max(0, swept.rowsWritten - daily.rowsWritten);
    // The first of these sweeps folded the minutes into the day rows, which are kept 400 days: measured now.
    if (days === AGING_SWEEP_DAYS[0]) storage.dayRollups = (await storageOf(stubs)).dayRollups;
  }
  return { storage, shardCount: stubs.length, emptyShardBytes, aging, daily };
}

/** The kinds of rows the shards hold, summed. */
async function storageOf(stubs: readonly LedgerStub[]): Promise<ShardStorage["kinds"]> {
  const storage = emptyStorageKinds();
  for (const stub of stubs) {
    const { kinds } = await stub.storage();
    for (const kind of Object.keys(storage) as Array<keyof typeof storage>) {
      storage[kind].rows += kinds[kind].rows;
      storage[kind].bytes += kinds[kind].bytes;
    }
  }
  return storage;
}

async function sweepAll(stubs: readonly LedgerStub[], now: number) {
  const total = { rowsRead: 0, rowsWritten: 0 };
  for (const stub of stubs) {
    const { usage } = await stub.sweep(now);
    total.rowsRead += usage.rowsRead;
    total.rowsWritten += usage.rowsWritten;
  }
  return total;
}

export function tenantOf(index: number): string {
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
  const { lines, onLogLine } = jsonLogLines();
  const inspectorPort = await freePort();
  const collector = await startCollector({
    inspectorPort,
    shape: "consumer",
    tenant: tenantOf(0),
    vars: { LEDGER_SHARDS: String(profile.shards), LEGACY_CLAIMS_UNTIL: "2000-01-01T00:00:00Z" },
    onLogLine,
  });
  try {
    const pids = childWorkerdPids();
    const queue = await collector.miniflare.getQueueProducer<string>("EVENTS", "collector");
    const batchLines: LogLine[] = [];
    const cpuMs: number[] = [];
    const inspector = await InspectorSession.connect(inspectorPort, "collector");
    let shardCpuMs = 0;
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
      if (batch > 0) await startProfiling(inspector);
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
      if (batch > 0) shardCpuMs += inclusiveMs(await stopProfiling(inspector), SHARD_CALLS);
      if (batch > 0) batchLines.push(line);
    }
    inspector.close();
    const aged = await ageShards(collector, profile);
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
      shardCpuMsPerBatch: shardCpuMs / batchLines.length,
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
      agingRowsWrittenPerEvent: aged.aging.rowsWritten / allEvents,
      agingRowsReadPerEvent: aged.aging.rowsRead / allEvents,
      dailySweepRowsWrittenPerShard: aged.daily.rowsWritten / aged.shardCount,
      dailySweepRowsReadPerShard: aged.daily.rowsRead / aged.shardCount,
      storage: aged.storage,
      storedEvents: allEvents,
      shardCount: aged.shardCount,
      emptyShardBytes: aged.emptyShardBytes,
      messageBytes,
      // Each message adds its envelope ({"v":1,"tenant":…,"events":[…]}) and a comma per event: counted here too.
      serverFieldBytesPerEvent: (allMessageBytes - allRawBytes) / allEvents,
    };
  } finally {
    await collector.dispose();
  }
}
