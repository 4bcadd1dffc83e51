/**
 * The ways of handling one request body that the validation benchmark compares, as plain functions that run
 * the same in Node and in workerd. Each takes the body text (what the edge has after reading the request) and
 * returns the number of events handled; each ends by serialising, as the edge does when it queues.
 *   json        JSON.parse + JSON.stringify of the same bytes: the floor of any JSON-in, JSON-out service.
 *   ajv         json + an ajv validator (of the JSON Schema zod generates) run on every event.
 *   zod         json + validateEnvelope + validateEvents with zod alone (as for a tenant with custom sources,
 *               and as every event was validated before the generated fast path).
 *   validate    json + validateEnvelope + validateEvents as the edge runs them (generated fast path, zod behind).
 *   projectZod  project, but validating with zod alone: the core path as it was before the fast path.
 *   project     the edge's core path: validateEnvelope + validateEvents + exportBatch (export lines) +
 *               packEventMessages.
 * @module
 */
import { DEFAULT_EVENT_TIME_WINDOW_DAYS, DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import type { EnrichmentContext } from "../../src/core/events/enrich.js";
import { exportBatch } from "../../src/core/events/export-line.js";
import { requestClock } from "../../src/core/events/event-time.js";
import { packEventMessages } from "../../src/core/events/queue-message.js";
import { clientEventSchema, type ClientEventSchema } from "../../src/core/events/schemas/events.js";
import { validateEnvelope, validateEvents } from "../../src/core/events/validate-batch.js";
import { BENCH_SENTAT } from "../workload.js";

export const CORE_VARIANTS = ["json", "ajv", "zod", "validate", "projectZod", "project"] as const;
export type CoreVariant = (typeof CORE_VARIANTS)[number];

/** A compiled ajv validator: true when the event is valid. */
export type EventValidator = (event: unknown) => boolean;

export const BENCH_TENANT = "bench";

/**
 * What the edge knows about the sender of every benchmark request (a device token, Cloudflare's geo, and the
 * device's clock when it sent the request).
 */
export function benchContext(sentat: string | undefined = BENCH_SENTAT): EnrichmentContext {
  return {
    tenant: BENCH_TENANT,
    userid: "b746b99cdb99455bbd0dfcfe2c5152b4",
    deviceid: "speaker-0042",
    clock: requestClock(new Date(), sentat, DEFAULT_EVENT_TIME_WINDOW_DAYS),
    geo: { country: "GB", city: "London", continent: "EU", colo: "LHR", latitude: 51.5, longitude: -0.12 },
    ip: undefined,
    userAgent: undefined,
  };
}

export function jsonPath(body: string): number {
  const value = JSON.parse(body) as { events: unknown[] };
  JSON.stringify(value);
  return value.events.length;
}

export function ajvPath(body: string, validate: EventValidator): number {
  const value = JSON.parse(body) as { events: unknown[] };
  let valid = 0;
  for (const event of value.events) if (validate(event)) valid++;
  if (valid !== value.events.length) throw new Error(`ajv rejected ${value.events.length - valid} benchmark events`);
  JSON.stringify(value);
  return valid;
}

/** The event schema under another identity: validateEvents then takes its zod-only path, as for custom sources. */
const ZOD_ONLY: ClientEventSchema = clientEventSchema.clone();

export function validatePath(body: string, schema: ClientEventSchema = clientEventSchema): number {
  const { events } = validateEnvelope(JSON.parse(body), DEFAULT_LIMITS);
  const { valid, rejected } = validateEvents(events, DEFAULT_LIMITS, schema);
  if (rejected.length > 0) throw new Error(`the project rejected ${rejected.length} benchmark events`);
  JSON.stringify(valid);
  return valid.length;
}

/** Every intermediate value of the edge's core path for one body; the memory benchmark keeps them all alive. */
export interface CoreStages {
  parsed: unknown;
  validation: ReturnType<typeof validateEvents>;
  /** The export lines of the valid events. */
  lines: string[];
  messages: string[];
}

export async function coreStages(body: string, schema: ClientEventSchema = clientEventSchema): Promise<CoreStages> {
  const parsed = JSON.parse(body) as unknown;
  const { events, sentat } = validateEnvelope(parsed, DEFAULT_LIMITS);
  const validation = validateEvents(events, DEFAULT_LIMITS, schema);
  if (validation.rejected.length > 0)
    throw new Error(`the project rejected ${validation.rejected.length} benchmark events`);
  const { lines } = exportBatch(validation.valid, benchContext(sentat));
  return { parsed, validation, lines, messages: packEventMessages(BENCH_TENANT, lines) };
}

export async function projectPath(body: string, schema: ClientEventSchema = clientEventSchema): Promise<number> {
  return (await coreStages(body, schema)).lines.length;
}

/** Runs one variant over every body once; returns the events handled. */
export async function runPass(
  variant: CoreVariant,
  bodies: readonly string[],
  validate: EventValidator,
): Promise<number> {
  let events = 0;
  for (const body of bodies) {
    if (variant === "json") events += jsonPath(body);
    else if (variant === "ajv") events += ajvPath(body, validate);
    else if (variant === "zod") events += validatePath(body, ZOD_ONLY);
    else if (variant === "validate") events += validatePath(body);
    else if (variant === "projectZod") events += await projectPath(body, ZOD_ONLY);
    else events += await projectPath(body);
  }
  return events;
}
