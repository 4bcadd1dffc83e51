/**
 * The benchmark workload: the seed examples of the events document, weighted toward play events as a music
 * device fleet sends them, with a unique session and sequence number per event so every event id differs.
 * Deterministic (a seeded generator), so Node, workerd and every run see the same bytes.
 * @module
 */
import { seedExamples } from "../fixtures/seed-events.js";
import { inChunks } from "../src/core/foundation/in-chunks.js";

/** How many copies of each example go into the mix, by event type: play events dominate a listening fleet. */
const WEIGHT_BY_TYPE: Record<string, number> = {
  playevent: 6,
  navigationevent: 2,
  profileevent: 1,
  appstartevent: 1,
  authevent: 1,
  voiceevent: 1,
};

export const SMALL_BATCH = 20;
export const LARGE_BATCH = 2000;

/** The weighted pool the generator draws from. */
function weightedPool(): Record<string, unknown>[] {
  const pool: Record<string, unknown>[] = [];
  for (const { event } of seedExamples()) {
    const weight = WEIGHT_BY_TYPE[String(event.type)] ?? 1;
    for (let copy = 0; copy < weight; copy++) pool.push(event);
  }
  return pool;
}

/** mulberry32: a tiny seeded generator, enough to make the mix repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex32(random: () => number): string {
  let out = "";
  for (let index = 0; index < 4; index++)
    out += Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  return out;
}

/** An endless, repeatable stream of session ids (32 hex digits, as `mixedEvents` gives each batch). */
export function* sessionIds(seed: number): Generator<string, never> {
  const random = seededRandom(seed);
  for (;;) yield hex32(random);
}

/** `count` events of the weighted mix; each batch of `batchSize` shares a session, as one device's upload does. */
export function mixedEvents(count: number, batchSize = SMALL_BATCH, seed = 1): Record<string, unknown>[] {
  const pool = weightedPool();
  const random = seededRandom(seed);
  const events: Record<string, unknown>[] = [];
  let sessionid = hex32(random);
  for (let index = 0; index < count; index++) {
    if (index % batchSize === 0) sessionid = hex32(random);
    const template = pool[Math.floor(random() * pool.length)]!;
    events.push({ ...structuredClone(template), sessionid, sequencenumber: index + 1 });
  }
  return events;
}

/**
 * The device's clock when it sent every benchmark request: the seed examples' localtime is
 * 2016-07-26T08:45:55+01:00, so each event's time is corrected (the path every event of a device that sends
 * sentat takes) to about four minutes before it was received.
 */
export const BENCH_SENTAT = "2016-07-26T08:50:00.000+01:00";

/** A request body as a device sends it. */
export function envelopeJson(events: readonly unknown[]): string {
  return JSON.stringify({ schemaversion: "1.0", sentat: BENCH_SENTAT, events });
}

/** `batches` request bodies of `batchSize` events each, all different. */
export function requestBodies(batches: number, batchSize: number, seed = 1): string[] {
  const events = mixedEvents(batches * batchSize, batchSize, seed);
  return inChunks(events, batchSize).map(envelopeJson);
}

/**
 * The largest request the edge accepts: LARGE_BATCH events padded (with a field the loose schemas keep verbatim)
 * so the decoded body is just under `targetBytes`. It must be gzipped to fit the wire limit.
 */
export function largestBody(targetBytes: number, seed = 7): { body: string; events: number } {
  const events = mixedEvents(LARGE_BATCH, SMALL_BATCH, seed);
  const bare = utf8Bytes(envelopeJson(events));
  // `,"notes":""` is 11 bytes per event before its text.
  const padding = Math.floor((targetBytes - bare) / events.length) - 11 - 1;
  const padded = events.map((event) => ({ ...event, notes: "n".repeat(Math.max(0, padding)) }));
  return { body: envelopeJson(padded), events: padded.length };
}

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
