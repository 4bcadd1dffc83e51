/**
 * The Parquet export read by real readers: DuckDB reads a file the writer made from export lines (the document's
 * seed mix with the server fields, plus fields the document does not declare at every depth), and must find
 * every line as one row, the counts by type of the lines, every column typed as /v1/schema/parquet publishes, and
 * the undeclared fields in `extra`. hyparquet reads it back whole, and each row rebuilt with its extra must be the
 * line's event again.
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportedDayLines } from "../../bench/parquet/day-workload.js";
import { COMMON_FIELDS } from "../../fixtures/seed-events.js";
import { rebuildEvent } from "../../src/core/parquet/event-row.js";
import { parquetFromLines } from "../../src/core/parquet/parquet-events-writer.js";
import { publishedParquetColumns } from "../../src/core/parquet/parquet-schema.js";

const DAY = "2026-11-03";
/** Lines whose fields the columns do not all hold: undeclared ones at every depth, odd values, event times. */
const ODD_LINES: Record<string, unknown>[] = [
  {
    eventid: "6f1d1c52-5f0a-5b43-9d0e-000000000001",
    receivedat: `${DAY}T10:00:00.000Z`,
    eventtime: `${DAY}T09:59:58.500Z`,
    eventtimesource: "sentat",
    clockskewms: -1500,
    tenant: "acme",
    userid: "b746b99cdb99455bbd0dfcfe2c5152b4",
    geo: { country: "GB", latitude: 51.5, asn: 2856 },
    type: "playevent",
    ...COMMON_FIELDS,
    source: "tidalconnect",
    action: "begin",
    item: {
      name: "Superstylin'",
      index: 678,
      playbackcodec: "FLAC",
      artists: [{ name: "Groove Armada", role: "main" }, { name: "Other" }],
    },
    playable: { id: "f75d65fe39814a659af67ceb5853efc0", userid: "b746b99cdb99455bbd0dfcfe2c5152b4", parameters: {} },
    firmwarebuild: "2024.1",
    nested: { deep: [1, { x: null }] },
  },
  {
    eventid: "6f1d1c52-5f0a-5b43-9d0e-000000000002",
    receivedat: `${DAY}T11:00:00.000Z`,
    tenant: "acme",
    userid: "b746b99cdb99455bbd0dfcfe2c5152b4",
    geo: {},
    type: "appstartevent",
    ...COMMON_FIELDS,
    sequencenumber: 2,
    localtime: "2016-07-26T08:45:55+01:00",
    connection: "none",
    locale: {},
    preferredlanguages: ["de-DE", "en"],
    timing: 12,
  },
];

let folder: string;
let file: string;
let lines: string[];

beforeAll(async () => {
  lines = [...exportedDayLines("acme", DAY, 2_500), ...ODD_LINES.map((event) => JSON.stringify(event))];
  // Small row groups, so the file has several and the readers cross their boundaries.
  const written = await parquetFromLines(lines, { rowGroupRows: 1_000 });
  expect(written.rowGroups).toBe(3);
  folder = await mkdtemp(path.join(tmpdir(), "parquet-export-"));
  file = path.join(folder, `${DAY}_000.parquet`);
  await writeFile(file, written.body);
}, 60_000);

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function countsByType(events: readonly Record<string, unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[String(event.type)] = (counts[String(event.type)] ?? 0) + 1;
  return counts;
}

describe("a Parquet file read by DuckDB", () => {
  it("holds every line once, with the lines' counts by type", async () => {
    const rows = await query(`SELECT type, count(*) AS events, count(DISTINCT eventid) AS ids
                              FROM read_parquet('${file}') GROUP BY type`);
    const expected = countsByType(lines.map((line) => JSON.parse(line) as Record<string, unknown>));
    expect(Object.fromEntries(rows.map((row) => [row.type, Number(row.events)]))).toEqual(expected);
    expect(rows.reduce((sum, row) => sum + Number(row.ids), 0)).toBe(lines.length);
  });

  it("types every column as the published schema says", async () => {
    const described = await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const unquote = (type: unknown) => String(type).replaceAll('"', "");
    expect(described.map((column) => [column.column_name, unquote(column.column_type)])).toEqual(
      publishedParquetColumns().map((column) => [column.name, column.sql]),
    );
  });

  it("reads instants as UTC timestamps and Longs as integers", async () => {
    const [row] = await query(
      `SELECT epoch_ms(receivedat) AS received, epoch_ms(eventtime) AS happened, clockskewms, item.artists[1].name AS artist
       FROM read_parquet('${file}') WHERE eventid = '${ODD_LINES[0]!.eventid}'`,
    );
    expect(row).toEqual({
      received: String(Date.parse(`${DAY}T10:00:00.000Z`)),
      happened: String(Date.parse(`${DAY}T09:59:58.500Z`)),
      clockskewms: "-1500",
      artist: "Groove Armada",
    });
  });

  it("keeps every undeclared field in extra, shaped like the event", async () => {
    const rows = await query(
      `SELECT eventid, extra FROM read_parquet('${file}') WHERE extra IS NOT NULL ORDER BY eventid`,
    );
    const extras = Object.fromEntries(rows.map((row) => [row.eventid, JSON.parse(String(row.extra)) as unknown]));
    expect(extras[ODD_LINES[0]!.eventid as string]).toEqual({
      geo: { asn: 2856 },
      item: { index: 678, playbackcodec: "FLAC", artists: { "0": { role: "main" } } },
      firmwarebuild: "2024.1",
      nested: { deep: [1, { x: null }] },
    });
    // An empty geo has no geo_* column to show it: extra says it was there.
    expect(extras[ODD_LINES[1]!.eventid as string]).toEqual({ geo: {} });
    // The seed mix's own undeclared item fields (index, playbackcodec) are there too.
    expect(rows.length).toBeGreaterThan(ODD_LINES.length);
  });
});

describe("a Parquet file read back whole", () => {
  // Reads and compares ~2,500 events: seconds on a busy 2-core machine, past vitest's default 5 s.
  it("rebuilds every line's event from its row and extra", { timeout: 30_000 }, async () => {
    const buffer = new Uint8Array(await import("node:fs/promises").then((fs) => fs.readFile(file))).buffer;
    const rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    expect(rows).toHaveLength(lines.length);
    rows.forEach((row, index) => {
      expect(rebuildEvent(row, row.extra), `line ${index + 1}`).toEqual(JSON.parse(lines[index]!));
    });
  });
});
