/**
 * What the data quality counts count: every rejected event once by its `type`, `client` and `clientversion` (as
 * sent, when text), and once by each distinct error code and field path it has; every exported event once by its
 * client and client version (its type is the summaries' own `type` count). They are dimensions of the ledger
 * shards' rollups beside the summaries' (src/core/insights/insight-dimensions.ts), so a rejection rate is the
 * rejected count over the rejected plus exported counts of the same key, in the same rows.
 *
 * Values are the device's text, bounded and sanitised like every dimension value (cut at MAX_VALUE_LENGTH at a
 * whole character; UNKNOWN_VALUE when missing or not text). A path has its array positions written `*`
 * (`items.3.id` counts as `items.*.id`), so a dimension holds one value per field, not per position; the whole
 * event (an event too large, too deep or not an object) is EVENT_PATH.
 * @module
 */
import { cutToLength } from "../foundation/cut-text.js";
import { CLIENT_DIMENSIONS, MAX_VALUE_LENGTH, UNKNOWN_VALUE } from "../insights/insight-dimensions.js";

/** Rollup dimensions of rejected events (counted by the edge, carried in the request report). */
export const REJECTED_DIMENSIONS = {
  type: "rejected_type",
  client: "rejected_client",
  clientversion: "rejected_clientversion",
  code: "rejected_code",
  path: "rejected_path",
} as const;

/** Rollup dimensions of exported events (counted by the consumer with the summaries' own). */
export const ACCEPTED_DIMENSIONS = { type: "type", client: CLIENT_DIMENSIONS[0], clientversion: CLIENT_DIMENSIONS[1] };

/** Every rollup dimension a report may add (the consumer ignores any other for the rollups). */
export const REPORTED_DIMENSIONS: ReadonlySet<string> = new Set(Object.values(REJECTED_DIMENSIONS));

/** The path of an error about the whole event. */
export const EVENT_PATH = "(event)";
/** At most this many distinct paths and codes of one event are counted (a hostile event may have hundreds). */
const MAX_KEYS_PER_EVENT = 10;

export interface RejectedEventFacts {
  type: string;
  client: string;
  clientversion: string;
  codes: string[];
  paths: string[];
}

/**
 * A field of a device's event as a dimension value: its text, bounded, or UNKNOWN_VALUE. A rejected event's text
 * may hold half of a surrogate pair (the `lone_surrogate` rejection): each is counted as U+FFFD, so the rollups and
 * answers only ever hold well-formed text.
 */
export function dimensionValue(value: unknown): string {
  return typeof value === "string" && value.length > 0
    ? wellFormed(cutToLength(value, MAX_VALUE_LENGTH))
    : UNKNOWN_VALUE;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\ufffd");
}

/** An error path as counted: positions as `*`, the whole event as EVENT_PATH, bounded. */
export function countedPath(path: string): string {
  if (path === "") return EVENT_PATH;
  return wellFormed(
    cutToLength(
      path
        .split(".")
        .map((segment) => (/^\d+$/.test(segment) ? "*" : segment))
        .join("."),
      MAX_VALUE_LENGTH,
    ),
  );
}

/** The facts of a rejected event as sent (any JSON value) and its errors. */
export function rejectedEventFacts(
  event: unknown,
  errors: ReadonlyArray<{ path: string; code: string }>,
): RejectedEventFacts {
  const fields = typeof event === "object" && event !== null && !Array.isArray(event) ? event : {};
  const { type, client, clientversion } = fields as Record<string, unknown>;
  const codes = new Set<string>();
  const paths = new Set<string>();
  for (const error of errors) {
    if (codes.size < MAX_KEYS_PER_EVENT) codes.add(wellFormed(cutToLength(error.code, MAX_VALUE_LENGTH)));
    if (paths.size < MAX_KEYS_PER_EVENT) paths.add(countedPath(error.path));
  }
  return {
    type: dimensionValue(type),
    client: dimensionValue(client),
    clientversion: dimensionValue(clientversion),
    codes: [...codes],
    paths: [...paths],
  };
}

/** The rollup counts ([dimension, value]) of one rejected event. */
export function rejectedCounts(facts: RejectedEventFacts): Array<[string, string]> {
  return [
    [REJECTED_DIMENSIONS.type, facts.type],
    [REJECTED_DIMENSIONS.client, facts.client],
    [REJECTED_DIMENSIONS.clientversion, facts.clientversion],
    ...facts.codes.map((code): [string, string] => [REJECTED_DIMENSIONS.code, code]),
    ...facts.paths.map((path): [string, string] => [REJECTED_DIMENSIONS.path, path]),
  ];
}
