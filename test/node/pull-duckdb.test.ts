/**
 * The whole path with real tools: the Worker runs locally under wrangler, events with chosen country codes are
 * POSTed to it, its queue consumer writes the export files, the customer's pull command downloads them, and
 * DuckDB reads the gzipped JSON Lines with read_json_auto. Counts by type and country must be what was posted,
 * and a second pull must download nothing.
 * @module
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { exportListingSchema } from "../../src/core/exports/export-listing.js";
import { pullExports, type PullSummary } from "../../scripts/pull/pull-exports.js";
import { tally } from "../support/event-counts.js";
import { type LocalCollector, startLocalCollector } from "../support/node/local-collector.js";

/** How many copies of the document's examples each country sends. */
const COPIES_BY_COUNTRY: Record<string, number> = { gb: 2, de: 1, us: 3 };
const TENANT = `duck-${Date.now().toString(36)}`;

let collector: LocalCollector;
const posted: Record<string, unknown>[] = [];
const temporaryFolders: string[] = [];

beforeAll(async () => {
  collector = await startLocalCollector();
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  for (const folder of [collector?.folder, ...temporaryFolders])
    if (folder) await rm(folder, { recursive: true, force: true });
});

async function listedEvents(): Promise<number> {
  const response = await collector.getAs(TENANT, "/v1/exports");
  expect(response.status).toBe(200);
  return exportListingSchema.parse(await response.json()).files.reduce((sum, file) => sum + file.events, 0);
}

async function pull(outDir: string): Promise<PullSummary> {
  const today = new Date().toISOString().slice(0, 10);
  const token = await collector.token(TENANT, "exports:read");
  return pullExports(
    { collector: collector.url, token, since: today, until: undefined, outDir, format: "jsonl", concurrency: 4 },
    { progress: () => undefined },
  );
}

async function queryAll(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
  }
}

describe("pulling exports from a locally running collector and reading them with DuckDB", () => {
  it("pulls every file, and DuckDB counts what was posted by type and by country; a second pull downloads nothing", async () => {
    let sequence = 0;
    for (const [country, copies] of Object.entries(COPIES_BY_COUNTRY)) {
      for (let copy = 0; copy < copies; copy++) {
        const events = seedEvents().map((event) => ({ ...event, countrycode: country, sequencenumber: ++sequence }));
        await collector.postEvents(TENANT, events);
        posted.push(...events);
      }
    }

    // The consumer exports on the queue's schedule; wait until the manifest holds every posted event.
    const deadline = Date.now() + 60_000;
    while ((await listedEvents()) < posted.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(await listedEvents()).toBe(posted.length);

    const outDir = await mkdtemp(path.join(tmpdir(), "pulled-"));
    temporaryFolders.push(outDir);
    const first = await pull(outDir);
    expect(first).toMatchObject({ failed: 0, skipped: 0, events: posted.length });
    expect(first.downloaded).toBe(first.listed);
    expect(first.downloaded).toBeGreaterThan(0);

    // The folder layout is the bucket's: {tenant}/{yyyy}/{yyyy-mm}/{yyyy-mm-dd}/….jsonl.gz under --out.
    const [year] = await readdir(path.join(outDir, TENANT));
    expect(year).toMatch(/^\d{4}$/);

    const glob = path.join(outDir, "**", "*.jsonl.gz").replaceAll("'", "''");
    const source = `read_json_auto('${glob}', format = 'newline_delimited', union_by_name = true)`;
    const byType = await queryAll(`SELECT type, count(*)::INTEGER AS events FROM ${source} GROUP BY type`);
    expect(Object.fromEntries(byType.map((row) => [row.type, row.events]))).toEqual(tally(posted, "type"));
    const byCountry = await queryAll(
      `SELECT countrycode, count(*)::INTEGER AS events FROM ${source} GROUP BY countrycode`,
    );
    expect(Object.fromEntries(byCountry.map((row) => [row.countrycode, row.events]))).toEqual(
      tally(posted, "countrycode"),
    );
    const [ids] = await queryAll(
      `SELECT count(DISTINCT eventid)::INTEGER AS ids, count(*)::INTEGER AS lines FROM ${source}`,
    );
    expect(ids).toEqual({ ids: posted.length, lines: posted.length });

    const second = await pull(outDir);
    expect(second).toMatchObject({ downloaded: 0, skipped: first.downloaded, failed: 0, bytes: 0, events: 0 });
  }, 180_000);
});
