/**
 * Part 3: the real queue consumer exporting full batches (100 messages of one 20-event request each, as the
 * edge packs them) to R2 with the D1 dedupe ledger, then the cron purge of the dedupe window: the 24 hourly runs
 * of a day, each of which purges one slice of the claims (src/consumer/purge-exports.ts). Figures come from the
 * consumer's own `batch` and `purge` log lines (events, D1 rows from each result's meta, its duration: workerd's
 * clock runs during execution locally) and workerd's CPU time from /proc.
 * @module
 */
import { enrichEvents } from "../../src/core/events/enrich.js";
import { packEventMessages } from "../../src/core/events/queue-message.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { inChunks } from "../../src/core/foundation/in-chunks.js";
import { benchContext } from "../core/core-paths.js";
import { median } from "../lib/stats.js";
import { startCollector } from "../runtime/collector.js";
import { childWorkerdPids, cpuSeconds } from "../runtime/process-cpu.js";
import { mixedEvents, SMALL_BATCH, utf8Bytes } from "../workload.js";

const MESSAGES_PER_BATCH = 100;
const CONSUMER_TENANT = "bench";
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const PURGE_RUNS_PER_DAY = 24;
const BATCH_WAIT_MS = 60_000;
let rawEventBytes = 0;

export interface ConsumerResult {
  batches: number;
  eventsPerBatch: number;
  eventsPerSecond: number;
  batchMs: number;
  cpuMsPerBatch: number;
  d1RowsWrittenPerEvent: number;
  d1RowsReadPerEvent: number;
  purgeRowsWrittenPerEvent: number;
  /**
   * Rows a day's purge runs read per claim in the table. Each day's runs scan every claim once, so over its life
   * a claim is read on every day it is kept: the cost model multiplies by those days.
   */
  purgeRowsReadPerEventPerDay: number;
  /** Purge runs in the measured day (one per hour) and the rows the busiest of them read. */
  purgeRuns: number;
  purgeMaxRowsReadPerRun: number;
  r2PutsPerBatch: number;
  r2BytesPerEvent: number;
  messageBytes: number;
  /** Bytes the server fields (eventid, receivedat, tenant, userid, deviceid, geo) add to an event's JSON. */
  serverFieldBytesPerEvent: number;
}

interface LogLine {
  msg?: string;
  [field: string]: unknown;
}

/** The queue messages of `requests` 20-event requests, one message each, as the edge sends them. */
async function edgeMessages(requests: number, seed: number): Promise<string[]> {
  const events = mixedEvents(requests * SMALL_BATCH, SMALL_BATCH, seed);
  rawEventBytes += events.reduce((total, event) => total + utf8Bytes(JSON.stringify(event)), 0);
  const messages: string[] = [];
  for (const request of inChunks(events, SMALL_BATCH)) {
    const { valid } = validateEvents(request, DEFAULT_LIMITS);
    const enriched = await enrichEvents(
      valid.map((entry) => entry.event),
      benchContext(),
    );
    messages.push(...packEventMessages(CONSUMER_TENANT, enriched));
  }
  return messages;
}

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + BATCH_WAIT_MS;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runConsumer(batches: number): Promise<ConsumerResult> {
  const lines: LogLine[] = [];
  const collector = await startCollector({
    shape: "consumer",
    tenant: CONSUMER_TENANT,
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
    let allEvents = 0;
    rawEventBytes = 0;
    // One extra batch first: a warm-up that is not counted.
    for (let batch = 0; batch <= batches; batch++) {
      const messages = await edgeMessages(MESSAGES_PER_BATCH, 100 + batch);
      messageBytes = median(messages.map(utf8Bytes));
      allMessageBytes += messages.reduce((total, message) => total + utf8Bytes(message), 0);
      allEvents += MESSAGES_PER_BATCH * SMALL_BATCH;
      const seen = lines.filter((line) => line.msg === "batch").length;
      const cpuBefore = cpuSeconds(pids);
      // A sendBatch may carry 256 KB: send the messages in small groups.
      for (const group of inChunks(messages, 10)) {
        await queue.sendBatch(group.map((body) => ({ body, contentType: "text" as const })));
      }
      const line = await waitFor(
        () => lines.filter((entry) => entry.msg === "batch")[seen],
        "the consumer's batch line",
      );
      cpuMs.push((cpuSeconds(pids) - cpuBefore) * 1000);
      if (batch > 0) batchLines.push(line);
    }
    const events = batchLines.map((line) => Number(line.events_in));
    const totalEvents = events.reduce((total, count) => total + count, 0);
    const sum = (field: string) => batchLines.reduce((total, line) => total + Number(line[field] ?? 0), 0);

    // The cron's 24 hourly runs of a day, eight days later: every claim is past the 7-day window, and each run
    // purges the claims of its slice of the eventid range.
    const purgeDay = Math.floor((Date.now() + 8 * DAY_MS) / DAY_MS) * DAY_MS;
    const purges: LogLine[] = [];
    for (let hour = 0; hour < PURGE_RUNS_PER_DAY; hour++) {
      const purgesSeen = lines.filter((line) => line.msg === "purge").length;
      const purgeTime = purgeDay + hour * HOUR_MS + 17 * 60_000;
      await collector.miniflare.dispatchFetch(
        `http://localhost/cdn-cgi/handler/scheduled?cron=17+*+*+*+*&time=${purgeTime}`,
      );
      purges.push(await waitFor(() => lines.filter((line) => line.msg === "purge")[purgesSeen], "the purge line"));
    }
    const purgeSum = (field: string) => purges.reduce((total, line) => total + Number(line[field] ?? 0), 0);
    // Every exported event's claim, the warm-up's too (and those of batches the queue split under load).
    const purgedEvents = purgeSum("claims_purged");
    if (purgedEvents < totalEvents)
      throw new Error(`a day of purge runs removed ${purgedEvents} claims of ${totalEvents} or more`);

    const batchMs = median(batchLines.map((line) => Number(line.duration_ms)));
    return {
      batches: batchLines.length,
      eventsPerBatch: median(events),
      eventsPerSecond: median(
        batchLines.map((line) => (Number(line.events_in) / Math.max(1, Number(line.duration_ms))) * 1000),
      ),
      batchMs,
      cpuMsPerBatch: median(cpuMs.slice(1)),
      d1RowsWrittenPerEvent: sum("d1_rows_written") / totalEvents,
      d1RowsReadPerEvent: sum("d1_rows_read") / totalEvents,
      purgeRowsWrittenPerEvent: purgeSum("d1_rows_written") / purgedEvents,
      purgeRowsReadPerEventPerDay: purgeSum("d1_rows_read") / purgedEvents,
      purgeRuns: purges.length,
      purgeMaxRowsReadPerRun: Math.max(...purges.map((line) => Number(line.d1_rows_read ?? 0))),
      r2PutsPerBatch: sum("files") / batchLines.length,
      r2BytesPerEvent: sum("bytes_written") / totalEvents,
      messageBytes,
      // Each message adds its envelope ({"v":1,"tenant":…,"events":[…]}) and a comma per event: counted here too.
      serverFieldBytesPerEvent: (allMessageBytes - rawEventBytes) / allEvents,
    };
  } finally {
    await collector.dispose();
  }
}
