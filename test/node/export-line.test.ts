/**
 * An accepted event is serialised once: the JSON text validateEvents writes for the size check is the text the
 * queue carries, with the server fields written around it (src/core/events/export-line.ts). These tests hold that
 * text to the values it stands for: every valid case of the validator parity test, and export lines beside the
 * enriched objects they replace.
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { enrichEvent, type EnrichmentContext } from "../../src/core/events/enrich.js";
import { requestClock } from "../../src/core/events/event-time.js";
import { exportBatch } from "../../src/core/events/export-line.js";
import isDefaultClientEvent from "../../src/core/events/client-event-validator.generated.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { DEFAULT_EVENT_TIME_WINDOW_DAYS, DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { wholeEventCases } from "./client-event-validator-cases.js";

const USERID = "5f71e09784354cfabd8253fe24d6b701";

function context(overrides: Partial<EnrichmentContext> = {}): EnrichmentContext {
  return {
    tenant: "acme",
    userid: USERID,
    deviceid: "speaker-1",
    clock: requestClock(new Date("2026-11-30T12:00:00.000Z"), "2026-11-30T12:59:58.000+01:00", 30),
    geo: { country: "GB", city: 'Londón "East"', latitude: 51.5 },
    ip: "192.0.2.1",
    userAgent: { useragent: "Audiogum/2.3", useragentparsed: { client: "Audiogum 2.3" } },
    ...overrides,
  };
}

const CONTEXTS: Record<string, EnrichmentContext> = {
  "every field": context(),
  "no deviceid, no sentat, geo, IP or user agent": context({
    deviceid: undefined,
    clock: requestClock(new Date("2026-11-30T12:00:00.000Z"), undefined, DEFAULT_EVENT_TIME_WINDOW_DAYS),
    geo: undefined,
    ip: undefined,
    userAgent: undefined,
  }),
};

describe("a valid event's JSON text", () => {
  // The parity test holds validateEvents' results (their text included) equal with zod alone, so the valid cases of
  // the fast path cover both; the rejected ones have no text to check. Its whole-event cases are the ones whose
  // shape matters here (keys reordered, undeclared and server fields, every type); its ~46,000 mutations of single
  // values would add seconds to the suite for values that are shared, not rewritten.
  it("holds exactly the fields and values of the validated event, for every valid whole-event case of the parity test", () => {
    let checked = 0;
    const disagreements: string[] = [];
    const valid = wholeEventCases().filter(({ event }) => isDefaultClientEvent(event));
    for (const { name, event } of valid) {
      for (const entry of validateEvents([event], DEFAULT_LIMITS).valid) {
        checked++;
        if (!isDeepStrictEqual(JSON.parse(entry.json), JSON.parse(JSON.stringify(entry.event))))
          disagreements.push(`${name}: ${entry.json} is not ${JSON.stringify(entry.event)}`);
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // Not vacuous: every seed, reordered, with undeclared fields and with server fields.
    expect(checked).toBeGreaterThanOrEqual(3 * 21);
  });

  it("is the device's own text, in the device's order, and leaves out server fields the device sent", () => {
    const [seed] = seedEvents();
    const reversed = Object.fromEntries(Object.entries(seed!).reverse());
    const [own] = validateEvents([reversed], DEFAULT_LIMITS).valid;
    expect(own!.json).toBe(JSON.stringify(reversed));
    const [withServerFields] = validateEvents(
      [{ ...seed, eventid: "x", geo: { country: "FR" } }],
      DEFAULT_LIMITS,
    ).valid;
    expect(JSON.parse(withServerFields!.json)).toEqual(seed);
  });
});

describe("export lines", () => {
  for (const [label, ctx] of Object.entries(CONTEXTS)) {
    it(`are enrichEvent's object as JSON, server fields first, the device's fields in its order (${label})`, () => {
      const events = seedEvents().map((event) => Object.fromEntries(Object.entries(event).reverse()));
      const { valid } = validateEvents(events, DEFAULT_LIMITS);
      expect(valid).toHaveLength(events.length);
      const batch = exportBatch(valid, ctx);
      batch.lines.forEach((line, index) => {
        const enriched = enrichEvent(valid[index]!.event, ctx);
        expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(enriched)));
        const keys = Object.keys(JSON.parse(line));
        const serverFirst = Object.keys(JSON.parse(JSON.stringify(enriched))).filter((key) => !(key in events[index]!));
        const ownKeys = Object.keys(events[index]!);
        expect(keys).toEqual([
          ...serverFirst.filter((key) => !["geo", "ip", "useragent", "useragentparsed"].includes(key)),
          ...ownKeys,
          ...serverFirst.filter((key) => ["geo", "ip", "useragent", "useragentparsed"].includes(key)),
        ]);
      });
    });
  }

  it("are byte for byte JSON.stringify of enrichEvent's object when the device sent its fields in the schema's order", () => {
    const ctx = context();
    const inSchemaOrder = validateEvents(seedEvents(), DEFAULT_LIMITS).valid.map((entry) => entry.event);
    const { valid } = validateEvents(inSchemaOrder, DEFAULT_LIMITS);
    const batch = exportBatch(valid, ctx);
    expect(batch.lines).toEqual(valid.map((entry) => JSON.stringify(enrichEvent(entry.event, ctx))));
  });

  it("give the live view the last events as objects, with the ids of their lines", () => {
    const ctx = context();
    const { valid } = validateEvents(seedEvents(), DEFAULT_LIMITS);
    const batch = exportBatch(valid, ctx);
    const last = batch.lastEvents(3);
    expect(last).toEqual(valid.slice(-3).map((entry) => enrichEvent(entry.event, ctx)));
    expect(last.map((event) => event.eventid)).toEqual(
      batch.lines.slice(-3).map((line) => (JSON.parse(line) as { eventid: string }).eventid),
    );
    expect(batch.lastEvents(10_000)).toHaveLength(valid.length);
  });
});
