/**
 * Issue 17 in workerd: the isolate heap while one Parquet file of a day is compacted (the unit of one compaction
 * call: MAX_EVENTS_PER_PARQUET_FILE events, 200,000), in the bench-only Worker bench/workers/parquet-compaction.ts
 * with an R2 bucket of its own (Miniflare's, in memory). The day's export files are stored from Node first; then
 * the live heap (after the full collection of a heap snapshot) is read after every export file, i.e. with the row
 * group being filled and the multipart part buffered. What lives only inside one step (a row group's encoding
 * while it is written, the read-back's event ids) is not seen. PARQUET_MEMORY_EVENTS changes the number of events.
 * @module
 */
import { gzipSync } from "node:zlib";
import { MAX_EVENTS_PER_PARQUET_FILE } from "../../src/core/parquet/day-parts.js";
import { exportedDayLines } from "../parquet/day-workload.js";
import { startBenchWorker } from "../runtime/bench-worker.js";
import { freePort } from "../runtime/free-port.js";
import { InspectorSession } from "../runtime/inspector.js";

const EVENTS_PER_EXPORT_FILE = 2_000;

/** What storeDay needs of Miniflare's R2 bucket. */
interface DayBucket {
  put(key: string, value: Uint8Array): Promise<unknown>;
}

/** The day as the consumer stores it, from outside the Worker (its heap stays the compaction's): gzipped JSON Lines files of 2,000 events. */
async function storeDay(bucket: DayBucket, day: string, events: number): Promise<number> {
  let files = 0;
  let lines: string[] = [];
  const flush = async () => {
    // A plain Uint8Array: Miniflare's proxy does not carry a Node Buffer.
    const body = new Uint8Array(gzipSync(`${lines.join("\n")}\n`));
    await bucket.put(`bench/${day}/${String(files++).padStart(5, "0")}.jsonl.gz`, body);
    lines = [];
  };
  for (const line of exportedDayLines("bench", day, events)) {
    lines.push(line);
    if (lines.length === EVENTS_PER_EXPORT_FILE) await flush();
  }
  if (lines.length > 0) await flush();
  return files;
}

export interface CompactionMemoryResult {
  events: number;
  exportFiles: number;
  parquetBytes: number;
  rowGroups: number;
  /** The live heap before the compaction, after a small one. */
  baselineBytes: number;
  /** The highest live heap read between export files (a row group being filled, the upload's part buffer). */
  peakLiveBytes: number;
  samples: number;
  /** Wall time of the compaction, samples included (each pauses the isolate). */
  seconds: number;
}

export async function runCompactionMemory(
  events = Number(process.env.PARQUET_MEMORY_EVENTS ?? MAX_EVENTS_PER_PARQUET_FILE),
): Promise<CompactionMemoryResult> {
  const inspectorPort = await freePort();
  const worker = await startBenchWorker("bench/workers/parquet-compaction.ts", {
    inspectorPort,
    r2Buckets: ["EXPORTS"],
  });
  let session: InspectorSession | undefined;
  try {
    const call = async (path: string) => {
      const response = await fetch(new URL(path, worker.url), { method: "POST" });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, number | boolean>;
    };
    const compact = async (day: string, sample?: () => Promise<void>) => {
      await call(`/start?day=${day}`);
      while (!(await call("/next")).done) await sample?.();
      return call("/finish");
    };
    const bucket = await worker.miniflare.getR2Bucket("EXPORTS");
    // A small day first, so the compaction's code is compiled before the baseline.
    await storeDay(bucket, "2026-11-02", EVENTS_PER_EXPORT_FILE);
    await compact("2026-11-02");
    const exportFiles = await storeDay(bucket, "2026-11-03", events);
    session = await InspectorSession.connect(inspectorPort, "core");
    const baseline = await session.liveHeap();
    let peakLiveBytes = baseline.usedBytes;
    let samples = 0;
    const started = Date.now();
    const compacted = await compact("2026-11-03", async () => {
      peakLiveBytes = Math.max(peakLiveBytes, (await session!.liveHeap()).usedBytes);
      samples++;
    });
    const seconds = (Date.now() - started) / 1000;
    return {
      events: Number(compacted.rows ?? 0),
      exportFiles,
      parquetBytes: Number(compacted.bytes ?? 0),
      rowGroups: Number(compacted.rowGroups ?? 0),
      baselineBytes: baseline.usedBytes,
      peakLiveBytes,
      samples,
      seconds,
    };
  } finally {
    session?.close();
    await worker.dispose();
  }
}
