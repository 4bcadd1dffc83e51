/**
 * The pull command against a stand-in collector on loopback that misbehaves on purpose: a cut-short download,
 * a 503, a key that would escape the folder. What must hold: only verified files are kept, under their key path,
 * passing failures are retried, nothing half-written is left, and the state makes the next pull skip them.
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { ExportFormat } from "../../src/core/exports/export-key.js";
import type { ExportFileEntry } from "../../src/core/exports/export-listing.js";
import { parquetFromLines } from "../../src/core/parquet/parquet-events-writer.js";
import { pullExports } from "../../scripts/pull/pull-exports.js";
import { STATE_FILE } from "../../scripts/pull/pull-state.js";
import { DEFAULT_RETRY_POLICY } from "../../scripts/pull/retry.js";

interface StandIn {
  files: Map<string, { entry: ExportFileEntry; body: Buffer }>;
  /** Answers to give, in order, before the real one, per key. */
  faults: Map<string, Array<"truncate" | "503">>;
  downloads: string[];
  /** The ?format= of each listing request (absent: jsonl). */
  listedFormats?: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function exportFile(key: string, lines: number): { entry: ExportFileEntry; body: Buffer } {
  const text = Array.from({ length: lines }, (_, index) => `${JSON.stringify({ type: "playevent", n: index })}\n`).join(
    "",
  );
  const body = gzipSync(text);
  return {
    entry: { key, size: body.byteLength, events: lines, first: "", last: "", etag: `etag-${key.length}-${lines}` },
    body,
  };
}

async function startStandIn(standIn: StandIn): Promise<URL> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    if (url.pathname === "/v1/exports") {
      standIn.listedFormats?.push(url.searchParams.get("format") ?? "jsonl");
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ files: [...standIn.files.values()].map((file) => file.entry), cursor: null }));
      return;
    }
    const key = decodeURIComponent(url.pathname.slice("/v1/exports/".length));
    const file = standIn.files.get(key);
    if (!file) return void response.writeHead(404).end();
    standIn.downloads.push(key);
    const fault = standIn.faults.get(key)?.shift();
    if (fault === "503") return void response.writeHead(503, { "retry-after": "0" }).end();
    response.writeHead(200, { "content-type": "application/gzip" });
    response.end(fault === "truncate" ? file.body.subarray(0, file.body.byteLength - 9) : file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

async function outFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "pull-command-"));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

const noWait = { ...DEFAULT_RETRY_POLICY, sleep: async () => undefined };
const quiet = { progress: () => undefined };

/** One pull, one download at a time, from a stand-in of its own, with retries that do not wait. */
async function pullOnce(standIn: StandIn, outDir: string, format: ExportFormat = "jsonl") {
  const collector = await startStandIn(standIn);
  return pullExports(
    { collector, token: "t", since: "2024-03-01", until: undefined, outDir, format, concurrency: 1 },
    quiet,
    noWait,
  );
}

async function allFiles(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("npm run pull", () => {
  it("retries a cut-short download and a 503, keeps only verified files at their key path, and skips them next time", async () => {
    const a = exportFile("acme/2024/2024-03/2024-03-18/a.jsonl.gz", 40);
    const b = exportFile("acme/2024/2024-03/2024-03-19/b.jsonl.gz", 7);
    const standIn: StandIn = {
      files: new Map([
        [a.entry.key, a],
        [b.entry.key, b],
      ]),
      faults: new Map([
        [a.entry.key, ["truncate"]],
        [b.entry.key, ["503", "503"]],
      ]),
      downloads: [],
    };
    const collector = await startStandIn(standIn);
    const outDir = await outFolder();
    const options = {
      collector,
      token: "t",
      since: "2024-03-01",
      until: undefined,
      outDir,
      format: "jsonl" as const,
      concurrency: 2,
    };

    const first = await pullExports(options, quiet, noWait);
    expect(first).toMatchObject({
      listed: 2,
      downloaded: 2,
      skipped: 0,
      failed: 0,
      events: 47,
      bytes: a.body.byteLength + b.body.byteLength,
    });
    expect(standIn.downloads.filter((key) => key === a.entry.key)).toHaveLength(2);
    expect(standIn.downloads.filter((key) => key === b.entry.key)).toHaveLength(3);
    expect(await allFiles(outDir)).toEqual([STATE_FILE, a.entry.key, b.entry.key].sort());
    expect(await readFile(path.join(outDir, a.entry.key))).toEqual(a.body);

    const second = await pullExports(options, quiet, noWait);
    expect(second).toMatchObject({ downloaded: 0, skipped: 2, failed: 0 });

    // A file whose etag changed, or that was deleted locally, is downloaded again.
    b.entry.etag = "a-new-etag";
    await rm(path.join(outDir, a.entry.key));
    const third = await pullExports(options, quiet, noWait);
    expect(third).toMatchObject({ downloaded: 2, skipped: 0, failed: 0 });
  });

  it("fails a file that never arrives whole and leaves no partial file behind", async () => {
    const a = exportFile("acme/2024/2024-03/2024-03-18/a.jsonl.gz", 5);
    const standIn: StandIn = {
      files: new Map([[a.entry.key, a]]),
      faults: new Map([[a.entry.key, Array(10).fill("truncate") as "truncate"[]]]),
      downloads: [],
    };
    const outDir = await outFolder();
    const summary = await pullOnce(standIn, outDir);
    expect(summary).toMatchObject({ downloaded: 0, failed: 1 });
    expect(standIn.downloads).toHaveLength(DEFAULT_RETRY_POLICY.attempts);
    expect(await allFiles(outDir)).toEqual([]);
  });

  it("refuses a key that would leave the output folder", async () => {
    const evil = exportFile("../escaped.jsonl.gz", 1);
    const standIn: StandIn = { files: new Map([[evil.entry.key, evil]]), faults: new Map(), downloads: [] };
    const outDir = await outFolder();
    const summary = await pullOnce(standIn, outDir);
    expect(summary.failed).toBe(1);
    expect(standIn.downloads).toEqual([]);
    expect(existsSync(path.join(outDir, "..", "escaped.jsonl.gz"))).toBe(false);
  });

  it("pulls Parquet files with --format parquet, checking each one's rows in its footer", async () => {
    const lines = Array.from({ length: 3 }, (_, index) =>
      JSON.stringify({ eventid: `id-${index}`, type: "playevent" }),
    );
    const body = Buffer.from((await parquetFromLines(lines)).body);
    const key = "acme/parquet/2024/2024-03/2024-03-18/2024-03-18_000.parquet";
    const entry = { key, size: body.byteLength, events: 3, first: "", last: "", etag: "p" };
    const cut = "acme/parquet/2024/2024-03/2024-03-18/2024-03-18_001.parquet";
    const standIn: StandIn = {
      files: new Map([
        [key, { entry, body }],
        [cut, { entry: { ...entry, key: cut }, body }],
      ]),
      faults: new Map([[cut, Array(10).fill("truncate") as "truncate"[]]]),
      downloads: [],
      listedFormats: [],
    };
    const outDir = await outFolder();
    const summary = await pullOnce(standIn, outDir, "parquet");
    expect(standIn.listedFormats).toEqual(["parquet"]);
    expect(summary).toMatchObject({ downloaded: 1, failed: 1, events: 3 });
    expect(await allFiles(outDir)).toEqual([STATE_FILE, key].sort());
  });
});
