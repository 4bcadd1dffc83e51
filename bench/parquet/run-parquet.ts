/**
 * The Parquet days benchmark, run alone (`npx tsx --expose-gc bench/parquet/run-parquet.ts`, PARQUET_BENCH_EVENTS
 * to change the day's size, 1,000,000 by default): one day of the seed mix (bench/parquet/day-workload.ts) as the
 * consumer stores it (gzipped JSON Lines files of 2,000 events, one consumer batch each) and as the compaction
 * stores it (Parquet files of MAX_EVENTS_PER_PARQUET_FILE rows, written by the Worker's own code: the plan, the
 * streaming writer, the read-back check). Prints bytes of each, the compaction's CPU time per file and the live
 * heap of a full row group (after a forced GC, against the heap once the file is written), and DuckDB's time for a count
 * by type and country over each format (median of 5, warm). Node runs the same V8 as workerd; a Worker would
 * also pay for R2's reads and writes, which are I/O, not CPU.
 * @module
 */
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { MAX_EVENTS_PER_PARQUET_FILE } from "../../src/core/parquet/day-parts.js";
import { DEFAULT_ROW_GROUP_ROWS, ParquetEventsWriter } from "../../src/core/parquet/parquet-events-writer.js";
import { readBackEventIds } from "../../src/core/parquet/parquet-readback.js";
import { median } from "../lib/stats.js";
import { exportedDayLines } from "./day-workload.js";

const EVENTS = Number(process.env.PARQUET_BENCH_EVENTS ?? 1_000_000);
const EVENTS_PER_JSONL_FILE = 2_000;
const DAY = "2026-11-03";
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), "parquet-bench-"));
  try {
    const jsonlDir = path.join(folder, "jsonl");
    const parquetDir = path.join(folder, "parquet");
    await Promise.all([jsonlDir, parquetDir].map((dir) => import("node:fs/promises").then((fs) => fs.mkdir(dir))));

    // The day as JSON Lines files, and the lines of each Parquet file's part (whole JSON Lines files, in order).
    let jsonBytes = 0;
    let gzBytes = 0;
    let file = 0;
    let batch: string[] = [];
    const parts: string[][] = [[]];
    for (const line of exportedDayLines("bench", DAY, EVENTS)) {
      batch.push(line);
      if (batch.length === EVENTS_PER_JSONL_FILE) await flush();
    }
    if (batch.length > 0) await flush();
    async function flush() {
      const text = `${batch.join("\n")}\n`;
      const body = gzipSync(text);
      jsonBytes += Buffer.byteLength(text);
      gzBytes += body.byteLength;
      await writeFile(path.join(jsonlDir, `${String(file++).padStart(5, "0")}.jsonl.gz`), body);
      if (parts.at(-1)!.length + batch.length > MAX_EVENTS_PER_PARQUET_FILE) parts.push([]);
      parts.at(-1)!.push(...batch);
      batch = [];
    }

    // The compaction, part by part, as the Worker runs it (without R2).
    const cpuMsPerFile: number[] = [];
    let parquetBytes = 0;
    let peakLiveBytes = 0;
    for (const [index, lines] of parts.entries()) {
      const chunks: Uint8Array[] = [];
      let fullest = 0;
      const cpu = process.cpuUsage();
      const writer = new ParquetEventsWriter({ write: async (chunk) => void chunks.push(chunk) });
      for (const [position, line] of lines.entries()) {
        await writer.addLine(line);
        // The heap with a row group all but full, against the heap once the file is written (no group held).
        if (gc && position % DEFAULT_ROW_GROUP_ROWS === DEFAULT_ROW_GROUP_ROWS - 2) {
          gc();
          fullest = Math.max(fullest, process.memoryUsage().heapUsed);
        }
      }
      const written = await writer.finish();
      gc?.();
      if (fullest > 0) peakLiveBytes = Math.max(peakLiveBytes, fullest - process.memoryUsage().heapUsed);
      const body = Buffer.concat(chunks);
      const readBack = await readBackEventIds({
        byteLength: body.byteLength,
        slice: async (start, end) =>
          body.buffer.slice(body.byteOffset + start, body.byteOffset + (end ?? body.byteLength)),
      });
      if (readBack.rows !== lines.length || !readBack.tally.equals(written.tally))
        throw new Error("read-back mismatch");
      const used = process.cpuUsage(cpu);
      cpuMsPerFile.push((used.user + used.system) / 1000);
      parquetBytes += body.byteLength;
      await writeFile(path.join(parquetDir, `${DAY}_${String(index).padStart(3, "0")}.parquet`), body);
      parts[index] = [];
    }

    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const time = async (sql: string) => {
      const samples: number[] = [];
      let rows: unknown[] = [];
      for (let run = 0; run < 6; run++) {
        const started = performance.now();
        rows = (await connection.runAndReadAll(sql)).getRows();
        if (run > 0) samples.push(performance.now() - started);
      }
      return { ms: median(samples), groups: rows.length };
    };
    const jsonlQuery = await time(
      `SELECT type, coalesce(geo.country, upper(countrycode)) AS country, count(*) FROM read_json_auto('${jsonlDir}/*.jsonl.gz', format = 'newline_delimited', union_by_name = true) GROUP BY ALL`,
    );
    const parquetQuery = await time(
      `SELECT type, coalesce(geo_country, upper(countrycode)) AS country, count(*) FROM read_parquet('${parquetDir}/*.parquet') GROUP BY ALL`,
    );
    connection.closeSync();
    instance.closeSync();

    const totalCpu = cpuMsPerFile.reduce((sum, ms) => sum + ms, 0);
    const files = (await readdir(parquetDir)).length;
    console.log(
      JSON.stringify(
        {
          events: EVENTS,
          json_bytes: jsonBytes,
          jsonl_gz: { files: file, bytes: gzBytes, bytes_per_event: gzBytes / EVENTS },
          parquet: {
            files,
            bytes: parquetBytes,
            bytes_per_event: parquetBytes / EVENTS,
            largest_file_bytes: Math.max(
              ...(await Promise.all(
                (await readdir(parquetDir)).map(async (name) => (await stat(path.join(parquetDir, name))).size),
              )),
            ),
          },
          compaction: {
            cpu_ms_total: Math.round(totalCpu),
            cpu_ms_per_file_max: Math.round(Math.max(...cpuMsPerFile)),
            cpu_us_per_event: (totalCpu * 1000) / EVENTS,
            peak_live_heap_mb: gc ? peakLiveBytes / 1024 / 1024 : null,
          },
          duckdb_count_by_type_and_country_ms: {
            jsonl_gz: jsonlQuery.ms,
            parquet: parquetQuery.ms,
            groups: parquetQuery.groups,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
