/**
 * The erasure benchmark, run alone (`npx tsx bench/erasure/run-erasure.ts`; ERASURE_BENCH_FILES to change the
 * 1,000 files): erasing one user from a tenant with 1,000 export files, in the real collector under workerd
 * (bench/runtime/collector.ts: Miniflare, in-memory R2 and D1, the erasures queue's real consumer).
 *
 * Each file is what one consumer batch writes for a busy tenant: 200 events of 100 users (two each, drawn from
 * 5,000), gzipped JSON Lines with the userid filter in its R2 metadata, over ten day folders, with its manifest
 * row. The erased user has two events in 10 of the files. The erasure is asked for through the admin route and
 * the benchmark polls its status until `done`. It reports the status's counts (files listed, examined, holding
 * the user), the R2 operations they imply (one list per slice, one GET per file examined, one PUT per file
 * rewritten, one DELETE per file emptied), wall time and the CPU time of the workerd processes, then the same
 * over a second tenant whose files have no filter (as files written before it existed): every file is read.
 * First, in Node, the Parquet step's CPU (`parquetRewrite`): ERASURE_BENCH_PARQUET_ROWS rows (50,000) rewritten.
 * @module
 */
import { countEventTypes } from "../../src/core/exports/event-type-counts.js";
import { buildExportFile, exportFileMetadata } from "../../src/core/exports/export-file.js";
import { exportKey } from "../../src/core/exports/export-key.js";
import type { QueuedEvent } from "../../src/core/exports/tenant-groups.js";
import { concatBytes } from "../../src/core/foundation/concat-bytes.js";
import { ParquetEventsWriter, parquetFromLines } from "../../src/core/parquet/parquet-events-writer.js";
import { countRowsOfUser, eventsNotOfUser, readBackFacts } from "../../src/core/parquet/parquet-readback.js";
import { exportedDayLines } from "../parquet/day-workload.js";
import { startCollector } from "../runtime/collector.js";
import { childWorkerdPids, cpuSeconds } from "../runtime/process-cpu.js";

const FILES = Number(process.env.ERASURE_BENCH_FILES ?? 1_000);
const PARQUET_ROWS = Number(process.env.ERASURE_BENCH_PARQUET_ROWS ?? 50_000);
const EVENTS_PER_FILE = 200;
const USERS_PER_FILE = 100;
const POPULATION = 5_000;
const FILES_WITH_TARGET = 10;
const DAYS = 10;
const TARGET = "ffffffffffffffffffffffffffffffff";
const ADMIN_TOKEN = "bench-admin-token-not-for-production";
const DAY_MS = 24 * 60 * 60 * 1000;

interface Scenario {
  tenant: string;
  withFilter: boolean;
}

interface ErasureStatus {
  status: string;
  counts: Record<string, number>;
}

/** A deterministic pseudo-random sequence (mulberry32), so every run erases from the same files. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The users of file `index`: 100 distinct of the population, the target in every (FILES / 10)-th file. */
function usersOf(index: number, next: () => number): string[] {
  const users = new Set<string>();
  if (index % (FILES / FILES_WITH_TARGET) === 0) users.add(TARGET);
  while (users.size < USERS_PER_FILE)
    users.add(
      Math.floor(next() * POPULATION)
        .toString(16)
        .padStart(32, "0"),
    );
  return [...users];
}

async function seed(collector: Awaited<ReturnType<typeof startCollector>>, scenario: Scenario): Promise<number> {
  const bucket = await collector.miniflare.getR2Bucket("EXPORTS", "collector");
  const db = await collector.miniflare.getD1Database("DB", "collector");
  const next = random(42);
  const start = Date.parse("2026-11-01T00:00:00.000Z");
  const lines = exportedDayLines(scenario.tenant, "2026-11-01", FILES * EVENTS_PER_FILE);
  let targetLines = 0;
  const rows: D1PreparedStatement[] = [];
  for (let index = 0; index < FILES; index++) {
    const writtenAt = new Date(start + Math.floor((index / FILES) * DAYS * DAY_MS));
    const users = usersOf(index, next);
    const events: QueuedEvent[] = [];
    for (let line = 0; line < EVENTS_PER_FILE; line++) {
      const event = JSON.parse(lines.next().value as string) as QueuedEvent;
      const userid = users[line % USERS_PER_FILE]!;
      if (userid === TARGET) targetLines++;
      events.push({ ...event, userid, receivedat: new Date(writtenAt.getTime() + line).toISOString() });
    }
    const file = await buildExportFile(events);
    const key = exportKey({
      tenant: scenario.tenant,
      writtenAt,
      firstReceivedAt: file.firstReceivedAt,
      fileId: crypto.randomUUID(),
    });
    const object = await bucket.put(key, file.body, {
      httpMetadata: { contentType: "application/gzip" },
      ...(scenario.withFilter && {
        customMetadata: exportFileMetadata(file, { typeCounts: countEventTypes(events), earlierDayEvents: 0 }),
      }),
    });
    if (!object) throw new Error(`R2 put of ${key} returned nothing`);
    rows.push(
      db
        .prepare(
          `INSERT INTO export_files (key, tenant, day, state, events, bytes, first_receivedat, last_receivedat,
             created_at, committed_at, etag, type_counts)
           VALUES (?1, ?2, ?3, 'committed', ?4, ?5, ?6, ?7, ?8, ?8, ?9, '{}')`,
        )
        .bind(
          key,
          scenario.tenant,
          writtenAt.toISOString().slice(0, 10),
          file.events,
          file.body.byteLength,
          file.firstReceivedAt,
          file.lastReceivedAt,
          writtenAt.getTime(),
          object.etag,
        ),
    );
    if (rows.length === 100) await db.batch(rows.splice(0));
  }
  if (rows.length > 0) await db.batch(rows.splice(0));
  return targetLines;
}

async function erase(url: URL, tenant: string): Promise<ErasureStatus> {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
  const answer = await fetch(new URL(`/admin/tenants/${tenant}/erasures`, url), {
    method: "POST",
    headers,
    body: JSON.stringify({ userid: TARGET, suppress: false }),
  });
  if (answer.status !== 202) throw new Error(`erasure request: ${answer.status} ${await answer.text()}`);
  const { id } = (await answer.json()) as { id: string };
  for (;;) {
    const response = await fetch(new URL(`/admin/tenants/${tenant}/erasures/${id}`, url), { headers });
    const status = (await response.json()) as ErasureStatus;
    if (status.status === "done" || status.status === "failed") return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The Parquet step's work in Node (the same V8 as workerd, without R2's I/O): a closed day's Parquet file of
 * PARQUET_ROWS rows of the day workload (5,000 users, so the erased one has one row in 5,000), its userid column
 * counted, then the file written again without the user's rows and read back, as erase-parquet-file.ts does.
 */
async function parquetRewrite(rows: number) {
  const userid = (0).toString(16).padStart(32, "0");
  const source = await parquetFromLines(exportedDayLines("bench", "2026-11-01", rows));
  const file = {
    byteLength: source.body.byteLength,
    slice: async (start: number, end?: number) => source.body.slice(start, end).buffer,
  };
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const countStarted = cpu();
  const found = await countRowsOfUser(file, userid);
  const countMs = cpu() - countStarted;
  const rewriteStarted = cpu();
  const chunks: Uint8Array[] = [];
  const writer = new ParquetEventsWriter({ write: async (chunk) => void chunks.push(chunk) });
  for await (const event of eventsNotOfUser(file, userid)) await writer.addEvent(event);
  const written = await writer.finish();
  const body = concatBytes(chunks, written.bytes);
  const facts = await readBackFacts({
    byteLength: body.byteLength,
    slice: async (start, end) => body.slice(start, end).buffer,
  });
  const rewriteMs = cpu() - rewriteStarted;
  if (facts.rows !== rows - found.ofUser || !facts.tally.equals(written.tally))
    throw new Error("the rewrite lost rows");
  return {
    parquet_rows: rows,
    parquet_bytes: source.body.byteLength,
    rows_of_user: found.ofUser,
    count_cpu_ms: Math.round(countMs),
    rewrite_and_readback_cpu_ms: Math.round(rewriteMs),
    rewrite_cpu_us_per_row: Math.round((rewriteMs * 1000) / rows),
  };
}

async function main(): Promise<void> {
  process.stdout.write(`${JSON.stringify(await parquetRewrite(PARQUET_ROWS))}\n`);
  const collector = await startCollector({ shape: "edge", tenant: "bench", erasures: true, vars: { ADMIN_TOKEN } });
  try {
    const pids = childWorkerdPids();
    for (const scenario of [
      { tenant: "erase-filtered", withFilter: true },
      { tenant: "erase-unfiltered", withFilter: false },
    ]) {
      const seeded = Date.now();
      const targetLines = await seed(collector, scenario);
      process.stderr.write(`bench: ${scenario.tenant}: ${FILES} files seeded in ${Date.now() - seeded} ms\n`);
      const cpuBefore = cpuSeconds(pids);
      const started = performance.now();
      const status = await erase(collector.url, scenario.tenant);
      const wallMs = performance.now() - started;
      const cpuMs = (cpuSeconds(pids) - cpuBefore) * 1000;
      const { counts } = status;
      const r2 = {
        // One list page of up to 1,000 objects per slice, over the tenant's prefix, then the dead letters.
        lists: Math.ceil(FILES / 1000) + 1,
        gets: counts.files_examined ?? 0,
        puts: counts.files_rewritten ?? 0,
        deletes: counts.files_deleted ?? 0,
      };
      process.stdout.write(
        `${JSON.stringify({
          scenario: scenario.tenant,
          userid_filter: scenario.withFilter,
          files: FILES,
          events_per_file: EVENTS_PER_FILE,
          users_per_file: USERS_PER_FILE,
          target_lines: targetLines,
          status: status.status,
          counts,
          r2,
          wall_ms: Math.round(wallMs),
          workerd_cpu_ms: Math.round(cpuMs),
        })}\n`,
      );
    }
  } finally {
    await collector.dispose();
  }
}

await main();
