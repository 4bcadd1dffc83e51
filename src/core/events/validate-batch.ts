/**
 * Validates a decoded request body: the envelope as a whole (errors here reject the request), then each event
 * on its own (errors here reject only that event, with the path and reason of every problem).
 * @module
 */
import type { RequestLimits } from "../foundation/config.js";
import { CollectorError } from "../foundation/errors.js";
import { copyClientEvent } from "./client-event-copy.generated.js";
import isDefaultClientEvent from "./client-event-validator.generated.js";
import { clientEventSchema, type ClientEvent, type ClientEventSchema } from "./schemas/events.js";
import { SERVER_FIELDS, SUPPORTED_SCHEMA_VERSION } from "./schemas/envelope.js";
import { sentAtSchema } from "./schemas/request-body.js";
import { utf8ByteLength } from "../foundation/utf8.js";
import { eventTextErrors } from "./event-text.js";

/** The deepest an event may nest objects and arrays; the document's events nest four levels at most. */
export const MAX_EVENT_NESTING = 64;

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export interface EventRejection {
  index: number;
  errors: FieldError[];
}

export interface ValidEvent {
  index: number;
  event: ClientEvent;
  /**
   * The event as JSON text, written once for the size check and reused for the queue (export-line.ts): the
   * device's own text, its fields in the order it sent them, which holds exactly `event`'s fields and values
   * (test/node/valid-event-json.test.ts). When the device sent server fields, the text of `event` without them.
   */
  json: string;
}

export interface BatchValidation {
  valid: ValidEvent[];
  rejected: EventRejection[];
}

export interface Envelope {
  events: unknown[];
  /** The device's clock when it sent the request, when it said. */
  sentat: string | undefined;
}

/** Checks the `{"schemaversion": "1.0", "sentat": "…", "events": [...]}` envelope and returns what it holds. */
export function validateEnvelope(body: unknown, limits: RequestLimits): Envelope {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CollectorError(
      "invalid_envelope",
      'The body must be a JSON object: {"schemaversion": "1.0", "events": [...]}.',
    );
  }
  const { schemaversion, events, sentat } = body as { schemaversion?: unknown; events?: unknown; sentat?: unknown };
  if (schemaversion !== SUPPORTED_SCHEMA_VERSION) {
    const got = schemaversion === undefined ? "it is missing" : `got ${JSON.stringify(schemaversion).slice(0, 32)}`;
    throw new CollectorError(
      "unsupported_schema_version",
      `schemaversion must be "${SUPPORTED_SCHEMA_VERSION}"; ${got}.`,
    );
  }
  if (!Array.isArray(events)) {
    const problem = events === undefined ? "is missing" : "is not an array";
    throw new CollectorError("invalid_envelope", `events ${problem}: send an array of one or more events.`);
  }
  if (events.length === 0) {
    throw new CollectorError("invalid_envelope", "events is empty: send an array of one or more events.");
  }
  if (events.length > limits.maxEventsPerRequest) {
    throw new CollectorError(
      "too_many_events",
      `A request may carry at most ${limits.maxEventsPerRequest} events; this one has ${events.length}. Split the batch.`,
      { details: { limits: limitsForResponse(limits) } },
    );
  }
  return { events, sentat: validSentAt(sentat) };
}

function validSentAt(sentat: unknown): string | undefined {
  if (sentat === undefined) return undefined;
  const result = sentAtSchema.safeParse(sentat);
  if (result.success) return result.data;
  const got = JSON.stringify(sentat)?.slice(0, 40) ?? String(sentat);
  throw new CollectorError(
    "invalid_envelope",
    `sentat ${result.error.issues[0]?.message ?? "is invalid"}; got ${got}. Send the device's clock when it sends the request, or leave sentat out.`,
  );
}

/**
 * Validates every event on its own; one bad event never rejects the others. `schema` is the tenant's (it may
 * allow custom sources); the document's own by default.
 *
 * For the document's schema a validator generated from it at build time (client-event-*.generated.js) answers first:
 * zod runs interpreted in workerd (no `new Function`) and costs several times the JSON round trip. It accepts
 * exactly what zod accepts (test/node/client-event-validator-parity.test.ts), and its copy is the value zod
 * would return. Zod still parses every event it rejects, for the errors a device sees, and every event of a
 * tenant with custom sources.
 */
export function validateEvents(
  events: readonly unknown[],
  limits: RequestLimits,
  schema: ClientEventSchema = clientEventSchema,
): BatchValidation {
  const valid: ValidEvent[] = [];
  const rejected: EventRejection[] = [];
  const fastPath = schema === clientEventSchema;
  events.forEach((candidate, index) => {
    const json = eventJson(candidate);
    if (json === undefined) {
      rejected.push({ index, errors: [tooDeep()] });
      return;
    }
    const errors = eventSizeErrors(json, limits) ?? eventTextErrors(candidate, json);
    if (errors) {
      rejected.push({ index, errors });
      return;
    }
    if (fastPath && isDefaultClientEvent(candidate)) {
      valid.push(validEvent(index, copyClientEvent(candidate), json));
      return;
    }
    const result = schema.safeParse(candidate);
    if (!result.success) {
      rejected.push({ index, errors: result.error.issues.map(toFieldError) });
      return;
    }
    valid.push(validEvent(index, result.data, json));
  });
  return { valid, rejected };
}

/** The limits as a device developer needs them in a 413 body. */
export function limitsForResponse(limits: RequestLimits): Record<string, number> {
  return {
    max_wire_bytes: limits.maxWireBytes,
    max_decoded_bytes: limits.maxDecodedBytes,
    max_events_per_request: limits.maxEventsPerRequest,
    max_event_bytes: limits.maxEventBytes,
  };
}

/** The event as JSON text; undefined when it nests deep enough to exhaust the stack (all that makes stringify throw). */
function eventJson(candidate: unknown): string | undefined {
  try {
    return JSON.stringify(candidate) ?? "";
  } catch {
    return undefined;
  }
}

function eventSizeErrors(json: string, limits: RequestLimits): FieldError[] | undefined {
  if (nestingExceeds(json, MAX_EVENT_NESTING)) return [tooDeep()];
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so most events need no exact count.
  if (json.length * 3 <= limits.maxEventBytes) return undefined;
  const bytes = utf8ByteLength(json);
  if (bytes <= limits.maxEventBytes) return undefined;
  return [
    {
      path: "",
      code: "event_too_large",
      message: `the event is ${bytes} bytes of JSON; at most ${limits.maxEventBytes} are allowed per event`,
    },
  ];
}

function tooDeep(): FieldError {
  return {
    path: "",
    code: "event_too_deep",
    message: `the event nests objects and arrays more than ${MAX_EVENT_NESTING} levels deep`,
  };
}

/**
 * Whether JSON text nests objects and arrays deeper than `limit`. Every later stage (the validators, the queue,
 * the consumer, the live view) recurses over an event, so depth is bounded here, once, far below any stack.
 */
function nestingExceeds(json: string, limit: number): boolean {
  if (openingsAtMost(json, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < json.length; index++) {
    const unit = json.charCodeAt(index);
    if (inString) {
      if (unit === BACKSLASH) index++;
      else if (unit === QUOTE) inString = false;
    } else if (unit === QUOTE) inString = true;
    else if (unit === OPEN_BRACE || unit === OPEN_BRACKET) {
      depth++;
      if (depth > limit) return true;
    } else if (unit === CLOSE_BRACE || unit === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * Whether the text holds at most `limit` opening brackets. Nesting is never deeper than that count (brackets
 * inside strings only add to it), and an event holds a handful: a few native searches clear it without the
 * walk over every character.
 */
function openingsAtMost(json: string, limit: number): boolean {
  let count = 0;
  for (const opening of OPENINGS) {
    for (let at = json.indexOf(opening); at !== -1; at = json.indexOf(opening, at + 1)) {
      if (++count > limit) return false;
    }
  }
  return true;
}

const OPENINGS = ["{", "["] as const;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function toFieldError(issue: { path: PropertyKey[]; code: string; message: string }): FieldError {
  return { path: issue.path.map(String).join("."), code: issue.code, message: issue.message };
}

/**
 * The valid event without the server fields a device may have sent, and its JSON text. The parsed or copied
 * event is a fresh object, so deleting from it never touches the request body. Devices seldom send these
 * fields, and `delete` costs even for an absent key where `in` costs next to nothing. Without them, the
 * device's text holds the same fields and values as the copy (only their order differs: the copy has the
 * schema's), so it is the event's text; with them, the copy is serialised once more.
 */
function validEvent(index: number, event: ClientEvent, deviceJson: string): ValidEvent {
  const record = event as Record<string, unknown>;
  let removed = false;
  for (const field of SERVER_FIELDS) {
    if (field in record) {
      delete record[field];
      removed = true;
    }
  }
  return { index, event, json: removed ? JSON.stringify(event) : deviceJson };
}
