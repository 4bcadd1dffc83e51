/**
 * Every registered route, walked with hostile input in every place a request carries it: path segments, query
 * strings, headers (Authorization, Content-Type, Content-Encoding, Range, If-None-Match, Sec-WebSocket-Protocol)
 * and bodies, each holding names Object.prototype has, lone surrogates (as \ud800 escapes in JSON, and as bytes
 * that are not UTF-8), oversized and malformed values. Whatever the input: never a 5xx, never an error-level log,
 * and every refusal a JSON error with one of the stable codes of src/core/foundation/errors.ts and its status.
 * The routes come from the app's own registration, so a new route is walked the moment it exists.
 * @module
 */
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { ERROR_STATUS } from "../../src/core/foundation/errors.js";
import { createApp } from "../../src/edge/app.js";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";
import { recordingQueue } from "../support/recording-queue.js";
import { deviceClaims, signToken } from "../support/tokens.js";
import { callWorker, collectorRequest } from "../support/worker.js";

/** Every registered route; middleware (`use`) is registered under ALL and is not a route. */
const ROUTES = createApp()
  .routes.filter((route) => route.method !== "ALL")
  .map(({ method, path }) => ({ method, path }));

const HUGE = "A".repeat(16 * 1024);

/** Values for a path segment, already percent-encoded as a client would put them in the URL. */
const SEGMENTS = [
  ...PROTOTYPE_NAMES.map(encodeURIComponent),
  "%ED%A0%80", // a lone surrogate's UTF-8 form: not UTF-8
  "%F0%9F%98", // a truncated four-byte sequence
  "%FF%FE",
  "%C0%AF", // an overlong "/"
  "%00",
  "%2F..%2F..%2Fetc%2Fpasswd",
  "..",
  "%25",
  "%",
  encodeURIComponent("\ud83d\ude00"),
  HUGE,
];

/** A few of the names, where a value is read but never used as a key. */
const SOME_NAMES = ["__proto__", "constructor", "toString"];

/** Every name at once, each given once: a query read into a plain object finds most of them "given" already. */
const ALL_NAMES_QUERY = {
  label: "every prototype name as a query parameter",
  query: PROTOTYPE_NAMES.map((name) => `${encodeURIComponent(name)}=1`).join("&"),
  notSaying: /more than once/,
};

/** Query strings, as they appear after the `?`. */
const QUERIES = [
  ...SOME_NAMES.map((name) => `${encodeURIComponent(name)}=1`),
  ...SOME_NAMES.map((name) => `from=${encodeURIComponent(name)}&to=${encodeURIComponent(name)}`),
  "from=%ED%A0%80",
  "%ED%A0%80=1",
  "limit=%ED%A0%80",
  `limit=${"9".repeat(400)}`,
  "limit=0x10",
  "cursor=%ED%A0%80",
  `cursor=${HUGE}`,
  `after=${HUGE}`,
  "before=%ED%A0%80",
  `${HUGE}=${HUGE}`,
  "from=2026-01-01&from=2026-01-02",
  "%",
  "&&&==&",
];

/** A latin-1 string whose bytes are not UTF-8 (Headers carry bytes; this is how a client's raw bytes arrive). */
const NOT_UTF8 = "\u00ed\u00a0\u0080\u00ff";

const AUTHORIZATIONS = [
  ...SOME_NAMES,
  ...SOME_NAMES.map((name) => `Bearer ${name}`),
  "Bearer",
  "Bearer ",
  "Bearer a.b.c",
  "Bearer ...",
  `Bearer ${NOT_UTF8}`,
  `Bearer ${HUGE}`,
  `Basic ${btoa("user:pass")}`,
  // A JWT-shaped token whose header and payload are not JSON, and one whose payload is a lone surrogate escape.
  `Bearer ${btoa("{").replace(/=/g, "")}.${btoa("[").replace(/=/g, "")}.x`,
  `Bearer ${btoa('{"alg":"HS256"}').replace(/=/g, "")}.${btoa('{"tenant":"\\ud800","exp":1e308}').replace(/=/g, "")}.x`,
];

const HEADER_VALUES: Record<string, readonly string[]> = {
  "content-type": [...SOME_NAMES, "application/json; charset=constructor", `application/${NOT_UTF8}+json`, HUGE],
  "content-encoding": [...SOME_NAMES, "gzip, gzip", "br", NOT_UTF8, HUGE],
  range: [
    ...SOME_NAMES,
    "bytes=0x10-",
    `bytes=${"9".repeat(400)}-`,
    "bytes=-0",
    "bytes=5-1",
    "bytes=0-0,1-1",
    NOT_UTF8,
  ],
  "if-none-match": [...SOME_NAMES, "*", `W/"${NOT_UTF8}"`, `"${HUGE}"`, ",,,"],
  "sec-websocket-protocol": [
    ...SOME_NAMES,
    ...SOME_NAMES.map((name) => `audiogum-live, bearer.${name}`),
    "audiogum-live, bearer.",
    `audiogum-live, bearer.${HUGE}`,
    NOT_UTF8,
  ],
};

const encoder = new TextEncoder();

/** Request bodies: JSON text with lone surrogates and prototype names, bytes that are not UTF-8, oversized. */
function bodies(): Array<[string, string | Uint8Array]> {
  const event = JSON.stringify(seedEvents()[1]);
  const withMembers = (members: string) => `${event.slice(0, -1)},${members}}`;
  return [
    ["a lone surrogate escape in a value", `{"schemaversion":"1.0","events":[${withMembers('"client":"\\ud800"')}]}`],
    ["a lone surrogate escape in a key", `{"schemaversion":"1.0","events":[${withMembers('"\\udc00":1')}]}`],
    ["a lone surrogate escape in the envelope", '{"schemaversion":"\\ud800","events":"\\udfff"}'],
    [
      "a lone surrogate's bytes",
      new Uint8Array([...encoder.encode('{"name":"'), 0xed, 0xa0, 0x80, ...encoder.encode('"}')]),
    ],
    ["bytes that are not UTF-8", new Uint8Array([0xff, 0xfe, 0xc0, 0xaf])],
    [
      "every prototype name as a key and a value",
      JSON.stringify(Object.fromEntries(PROTOTYPE_NAMES.map((name) => [name, name]))).replace(
        /"__proto__":"__proto__"/,
        '"__proto__":{"polluted":true}',
      ),
    ],
    [
      "events whose every field is a prototype name",
      `{"schemaversion":"1.0","events":[${PROTOTYPE_NAMES.map((name) => withMembers(`${JSON.stringify(name)}:${JSON.stringify(name)}`)).join(",")}]}`,
    ],
    ["prototype names as events", `{"schemaversion":"1.0","events":${JSON.stringify(PROTOTYPE_NAMES)}}`],
    ["a huge string", JSON.stringify({ name: HUGE.repeat(8), schemaversion: HUGE })],
    ["deep nesting", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["not JSON", "{"],
    ["empty", ""],
  ];
}

interface Sent {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What the answer must not say, e.g. that a parameter nobody gave twice was "given more than once". */
  notSaying?: RegExp;
}

/** The path of a route pattern with each parameter (and the wildcard) replaced by `segment`. */
function pathOf(pattern: string, segment: string): string {
  return pattern.replace(/:[a-z]+/g, segment).replace(/\*$/, segment);
}

interface Tokens {
  admin: string;
  /** A device and customer token with every scope. */
  all: string;
  /** Signed tokens whose tenant, user, device, scopes and other claims are names Object.prototype has. */
  named: string[];
}

const EVERY_SCOPE = "events:write exports:read insights:read";

async function signTokens(): Promise<Tokens> {
  const named = [
    deviceClaims({ tenant: "constructor", sub: "__proto__", deviceid: "hasOwnProperty", scope: EVERY_SCOPE }),
    { ...deviceClaims({ tenant: "valueof", sub: "toString", scope: EVERY_SCOPE }), constructor: 1, toString: "x" },
    { ...deviceClaims({ scope: EVERY_SCOPE }), ["__proto__"]: { tenant: "other", scope: "admin" } },
    deviceClaims({ scope: PROTOTYPE_NAMES.join(" ") }),
  ];
  return {
    admin: env.ADMIN_TOKEN,
    all: await signToken(deviceClaims({ tenant: "hostile", scope: EVERY_SCOPE })),
    named: await Promise.all(named.map((claims) => signToken(claims))),
  };
}

/** Credentials that pass each route group's authentication (with `token` for a JWT), so the walk gets past it. */
function credentialsFor(path: string, tokens: Tokens, token = tokens.all): Record<string, string> {
  if (path.startsWith("/admin") || path.startsWith("/readyz")) return { authorization: `Bearer ${tokens.admin}` };
  if (path.startsWith("/v1/live"))
    return { upgrade: "websocket", "sec-websocket-protocol": `audiogum-live, bearer.${token}` };
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

function requestsFor(route: { method: string; path: string }, tokens: Tokens): Sent[] {
  const plain = pathOf(route.path, "constructor");
  const auth = credentialsFor(route.path, tokens);
  const sent: Sent[] = [];
  const send = (label: string, path: string, headers: Record<string, string>, body?: string | Uint8Array) =>
    sent.push({ label, method: route.method, path, headers, ...(body === undefined ? {} : { body }) });
  sent.push({ ...ALL_NAMES_QUERY, method: route.method, path: `${plain}?${ALL_NAMES_QUERY.query}`, headers: auth });
  if (route.path.includes(":") || route.path.endsWith("*")) {
    for (const segment of SEGMENTS) send(`path segment ${segment.slice(0, 40)}`, pathOf(route.path, segment), auth);
  }
  for (const query of QUERIES) send(`query ${query.slice(0, 60)}`, `${plain}?${query}`, auth);
  for (const [index, token] of tokens.named.entries()) {
    send(`token with prototype names ${index}`, plain, credentialsFor(route.path, tokens, token));
  }
  for (const authorization of AUTHORIZATIONS) {
    send(`authorization ${authorization.slice(0, 40)}`, plain, { ...auth, authorization });
  }
  for (const [name, values] of Object.entries(HEADER_VALUES)) {
    for (const value of values) send(`${name} ${value.slice(0, 40)}`, plain, { ...auth, [name]: value });
  }
  if (route.method !== "GET") {
    for (const [label, body] of bodies()) send(`body: ${label}`, plain, auth, body);
    send("body: gzip that is not gzip", plain, { ...auth, "content-encoding": "gzip" }, "{}");
  }
  return sent;
}

const KNOWN_CODES = new Set(Object.keys(ERROR_STATUS));
const CONCURRENT_REQUESTS = 8;

/** What is wrong with an answer to hostile input, if anything: a 5xx, or a refusal without a stable JSON code. */
async function problemOf(response: Response, notSaying?: RegExp): Promise<string | undefined> {
  if (response.status === 101) {
    response.webSocket?.accept();
    response.webSocket?.close(1000, "walked");
    return undefined;
  }
  const text = await response.text();
  if (notSaying?.test(text)) return `${response.status} says ${notSaying}: ${text.slice(0, 200)}`;
  if (response.status >= 500) return `${response.status} ${text.slice(0, 200)}`;
  if (response.status < 400) return undefined;
  let code: unknown;
  try {
    code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return `${response.status} is not JSON: ${text.slice(0, 100)}`;
  }
  if (typeof code !== "string" || !KNOWN_CODES.has(code))
    return `${response.status} has no stable code: ${text.slice(0, 100)}`;
  const status = ERROR_STATUS[code as keyof typeof ERROR_STATUS];
  return status === response.status ? undefined : `${code} answered with ${response.status}`;
}

describe("hostile input on every route", () => {
  const errorLines: unknown[][] = [];
  beforeAll(() => {
    vi.spyOn(console, "error").mockImplementation((...line: unknown[]) => void errorLines.push(line));
    // The request lines of a thousand requests say nothing a failure below does not.
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterAll(() => vi.restoreAllMocks());

  it("covers every registered route", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(18);
    expect(ROUTES.map((route) => route.path)).toEqual(
      expect.arrayContaining([
        "/v1/events",
        "/v1/exports/*",
        "/dashboard/assets/:name",
        "/admin/tenants/:tenant/redeliver",
      ]),
    );
  });

  it.each(ROUTES)("$method $path: no 5xx, every refusal a JSON error with a stable code", async (route) => {
    const tokens = await signTokens();
    errorLines.length = 0;
    // Accepted events stop at a recording queue: the walk exports nothing.
    const events = recordingQueue({ forwardTo: null });
    const problems: string[] = [];
    const walk = async (request: Sent): Promise<void> => {
      const init: RequestInit<CfProperties> = { method: request.method, headers: request.headers };
      if (request.body !== undefined) init.body = request.body;
      const response = await callWorker(collectorRequest(request.path, init), { EVENTS: events.queue });
      const problem = await problemOf(response, request.notSaying);
      if (problem) problems.push(`${request.method} ${request.path.slice(0, 80)} (${request.label}): ${problem}`);
    };
    const requests = requestsFor(route, tokens);
    // A few at a time: each waits on D1, R2 or a Durable Object, and the walk stays a few seconds long.
    for (let start = 0; start < requests.length; start += CONCURRENT_REQUESTS) {
      await Promise.all(requests.slice(start, start + CONCURRENT_REQUESTS).map(walk));
    }
    expect(problems).toEqual([]);
    expect(errorLines.map((line) => String(line[0]).slice(0, 300))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
