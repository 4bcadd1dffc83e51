/**
 * GET /v1/schema/events and /v1/schema/export: JSON Schema from the zod schemas, checked with an independent
 * JSON Schema validator (@cfworker/json-schema, which runs in workerd) against seed events and broken ones.
 * @module
 */
import { Validator, type Schema } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { exportedEventSchema } from "../../src/core/events/schemas/envelope.js";
import { eventBatchSchema } from "../../src/core/events/schemas/request-body.js";
import { callWorker, collectorRequest } from "../support/worker.js";
import { buildSummary } from "../../src/core/insights/insight-summary.js";
import { PARQUET_COLUMNS } from "../../src/core/parquet/parquet-columns.js";

async function publishedSchema(path: string): Promise<Schema> {
  const response = await callWorker(`${path}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/schema\+json/);
  return (await response.json()) as Schema;
}

function validator(schema: Schema): (value: unknown) => boolean {
  const compiled = new Validator(schema, "2020-12", false);
  return (value) => compiled.validate(value).valid;
}

const exportLine = (event: Record<string, unknown>) => ({
  eventid: "0f8fad5b-d9cb-469f-a165-70867728950e",
  receivedat: "2024-03-18T00:52:01.941Z",
  eventtime: "2024-03-18T00:51:58.120Z",
  eventtimesource: "corrected",
  clockskewms: -3_600_250,
  tenant: "acme",
  userid: "b746b99cdb99455bbd0dfcfe2c5152b4",
  deviceid: "speaker-0042",
  ...event,
  geo: { country: "GB", city: "London", latitude: 51.5, longitude: -0.12 },
  useragent: "Audiogum/2.3 CFNetwork/1410.0.3 Darwin/22.6.0",
  useragentparsed: { os: "iOS", client: "Audiogum 2.3" },
});

describe("the published JSON Schemas", () => {
  it("GET /v1/schema/events is public and accepts every seed event in a request body, as zod does", async () => {
    const schema = await publishedSchema("/v1/schema/events");
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const valid = validator(schema);
    for (const event of seedEvents()) {
      const body = { schemaversion: "1.0", events: [event] };
      expect(eventBatchSchema.safeParse(body).success).toBe(true);
      expect(valid(body), String(event.type)).toBe(true);
    }
    const sent = { schemaversion: "1.0", sentat: "2016-07-26T08:46:01.5+01:00", events: seedEvents() };
    expect(eventBatchSchema.safeParse(sent).success).toBe(true);
    expect(valid(sent)).toBe(true);
  });

  it.each([
    ["a wrong schemaversion", (event: Record<string, unknown>) => ({ schemaversion: "2.0", events: [event] })],
    ["no events", () => ({ schemaversion: "1.0", events: [] })],
    [
      "an unknown type",
      (event: Record<string, unknown>) => ({ schemaversion: "1.0", events: [{ ...event, type: "clickevent" }] }),
    ],
    [
      "a missing sessionid",
      (event: Record<string, unknown>) => ({ schemaversion: "1.0", events: [{ ...event, sessionid: undefined }] }),
    ],
    [
      "a bad connection",
      (event: Record<string, unknown>) => ({ schemaversion: "1.0", events: [{ ...event, connection: "wifi" }] }),
    ],
    [
      "a fractional sequencenumber",
      (event: Record<string, unknown>) => ({ schemaversion: "1.0", events: [{ ...event, sequencenumber: 1.5 }] }),
    ],
    [
      "a localtime on February 30th",
      (event: Record<string, unknown>) => ({
        schemaversion: "1.0",
        events: [{ ...event, localtime: "2016-02-30T08:45:55Z" }],
      }),
    ],
    [
      "a sentat without an offset",
      (event: Record<string, unknown>) => ({ schemaversion: "1.0", sentat: "2016-07-26T08:46:01", events: [event] }),
    ],
  ])("GET /v1/schema/events rejects a body with %s, as zod does", async (_, broken) => {
    const valid = validator(await publishedSchema("/v1/schema/events"));
    const body = JSON.parse(JSON.stringify(broken(seedEvents()[6]!))) as unknown;
    expect(eventBatchSchema.safeParse(body).success).toBe(false);
    expect(valid(body)).toBe(false);
  });

  it("GET /v1/schema/export accepts an exported line of every seed event and rejects lines without the server fields", async () => {
    const valid = validator(await publishedSchema("/v1/schema/export"));
    for (const event of seedEvents()) {
      const line = exportLine(event);
      expect(exportedEventSchema.safeParse(line).success).toBe(true);
      expect(valid(line), String(event.type)).toBe(true);
    }
    const line = exportLine(seedEvents()[0]!);
    for (const broken of [
      { ...line, eventid: undefined },
      { ...line, receivedat: "2024-03-18 00:52" },
      { ...line, eventtime: undefined },
      { ...line, eventtime: "2024-03-18T01:51:58.120+01:00" },
      { ...line, eventtimesource: "guessed" },
      { ...line, clockskewms: 1.5 },
      { ...line, useragentparsed: { os: 13 } },
      { ...line, geo: { latitude: "51.5" } },
      { ...line, type: "clickevent" },
    ]) {
      const plain = JSON.parse(JSON.stringify(broken)) as unknown;
      expect(exportedEventSchema.safeParse(plain).success).toBe(false);
      expect(valid(plain)).toBe(false);
    }
  });

  it("answers other methods with 405", async () => {
    const response = await callWorker(collectorRequest("/v1/schema/export", { method: "POST" }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("the published schemas of the Parquet files and the aggregates", () => {
  it("GET /v1/schema/parquet is public and lists every column in file order, extra last, with its types", async () => {
    const response = await callWorker("/v1/schema/parquet");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { columns: Array<{ name: string; parquet: string; sql: string }> };
    expect(body.columns.map((column) => column.name)).toEqual([...PARQUET_COLUMNS.map((c) => c.name), "extra"]);
    const byName = Object.fromEntries(body.columns.map((column) => [column.name, column]));
    expect(byName.receivedat).toMatchObject({
      parquet: "INT64 TIMESTAMP(MILLIS, UTC)",
      sql: "TIMESTAMP WITH TIME ZONE",
    });
    expect(byName.sequencenumber).toMatchObject({ parquet: "INT64", sql: "BIGINT" });
    expect(byName.geo_country?.sql).toBe("VARCHAR");
    expect(byName.item?.sql).toMatch(/^STRUCT\(type VARCHAR, name VARCHAR, .*artists STRUCT\(id VARCHAR, name VARCHAR/);
    expect(byName.extra?.sql).toBe("JSON");
  });

  it("GET /v1/schema/aggregates is public and accepts a daily summary", async () => {
    const schema = await publishedSchema("/v1/schema/aggregates");
    // As the file holds it: JSON text.
    const summary = JSON.parse(
      JSON.stringify(buildSummary({ view: "daily", periods: ["2026-11-03"], counts: [], sketches: [] })),
    ) as Record<string, unknown>;
    expect(validator(schema)(summary)).toBe(true);
    const { totals: _totals, ...withoutTotals } = summary;
    expect(validator(schema)(withoutTotals)).toBe(false);
  });
});
