/**
 * CORS on the device route, in workerd: a browser page on another origin (the device client of clients/js in a web
 * player) may send POST /v1/events and read every answer, errors and Retry-After included; the preflight is
 * answered before authentication; DEVICE_CORS_ORIGINS narrows the origins; no other route group answers CORS.
 * @module
 */
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { parseConfig } from "../../src/core/foundation/config.js";
import { DEVICE_CORS_MAX_AGE_SECONDS } from "../../src/edge/ingest/device-cors.js";
import { envelope, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { bearer, readerToken } from "../support/tokens.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const PAGE = "https://player.example.com";
const LISTED = { DEVICE_CORS_ORIGINS: "https://app.example.com, https://player.example.com" };

/** The preflight Chromium sends before the client's gzipped POST. */
function preflight(path = "/v1/events", origin = PAGE, overrides: Partial<Env> = {}): Promise<Response> {
  return callWorker(
    collectorRequest(path, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-encoding,content-type",
      },
    }),
    overrides,
  );
}

/** A POST of one valid event from a page at `origin`, to a queue that records (or refuses) it. */
function postFrom(origin: string, options: { token?: string | null; env?: Partial<Env>; fail?: boolean } = {}) {
  const queue = recordingQueue({ forwardTo: null, fail: options.fail ?? false });
  return postEvents(envelope([seedEvents()[0]]), {
    headers: { origin },
    env: { EVENTS: queue.queue, ...options.env },
    ...(options.token === undefined ? {} : { token: options.token }),
  });
}

const header = (response: Response, name: string) => response.headers.get(name);
const listOf = (value: string | null) => (value ?? "").split(",").map((item) => item.trim().toLowerCase());

describe("a browser's preflight of POST /v1/events", () => {
  it("is 204 with the method, the request headers the client sends, and how long to keep it; no credentials", async () => {
    const response = await preflight();
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(header(response, "access-control-allow-origin")).toBe("*");
    expect(listOf(header(response, "access-control-allow-methods"))).toEqual(["post"]);
    expect(listOf(header(response, "access-control-allow-headers"))).toEqual(
      expect.arrayContaining(["authorization", "content-type", "content-encoding"]),
    );
    expect(header(response, "access-control-max-age")).toBe(String(DEVICE_CORS_MAX_AGE_SECONDS));
    expect(header(response, "access-control-allow-credentials")).toBeNull();
  });

  it("is not answered under another path of the group (404), nor by the other route groups (405, no CORS headers)", async () => {
    expect((await preflight("/v1/events/x")).status).toBe(404);
    for (const path of ["/v1/exports", "/v1/summaries/daily", "/v1/schema/events", "/admin/redrive", "/healthz"]) {
      const response = await preflight(path);
      expect(response.status, path).toBe(405);
      expect(header(response, "allow"), path).not.toContain("OPTIONS");
      expect(header(response, "access-control-allow-origin"), path).toBeNull();
      expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
    }
  });
});

describe("the answers of POST /v1/events to a page on another origin", () => {
  it("202: readable (Access-Control-Allow-Origin), with Retry-After exposed", async () => {
    const response = await postFrom(PAGE);
    expect(response.status).toBe(202);
    expect(header(response, "access-control-allow-origin")).toBe("*");
    expect(listOf(header(response, "access-control-expose-headers"))).toContain("retry-after");
    expect(header(response, "access-control-allow-credentials")).toBeNull();
  });

  it("401 and 503 too, so the client can read the code and Retry-After", async () => {
    const unauthorized = await postFrom(PAGE, { token: null });
    expect(unauthorized.status).toBe(401);
    expect(header(unauthorized, "access-control-allow-origin")).toBe("*");
    expect(((await unauthorized.json()) as { error: { code: string } }).error.code).toBe("unauthorized");

    const unavailable = await postFrom(PAGE, { fail: true });
    expect(unavailable.status).toBe(503);
    expect(header(unavailable, "retry-after")).toMatch(/^\d+$/);
    expect(header(unavailable, "access-control-allow-origin")).toBe("*");
    expect(listOf(header(unavailable, "access-control-expose-headers"))).toContain("retry-after");
  });

  it("not on the customer routes: a summary's answer carries no CORS header", async () => {
    const response = await callWorker(
      collectorRequest("/v1/summaries/realtime", {
        headers: { origin: PAGE, ...bearer(await readerToken("acme", "insights:read")) },
      }),
    );
    expect(response.status).toBe(200);
    expect(header(response, "access-control-allow-origin")).toBeNull();
  });
});

describe("DEVICE_CORS_ORIGINS naming origins", () => {
  it("echoes a listed origin, whatever its case, with Vary: Origin", async () => {
    const response = await preflight("/v1/events", "https://APP.example.com", LISTED);
    expect(response.status).toBe(204);
    expect(header(response, "access-control-allow-origin")).toBe("https://APP.example.com");
    expect(listOf(header(response, "vary"))).toContain("origin");

    const posted = await postFrom(PAGE, { env: LISTED });
    expect(posted.status).toBe(202);
    expect(header(posted, "access-control-allow-origin")).toBe(PAGE);
    expect(listOf(header(posted, "vary"))).toContain("origin");
  });

  it("gives any other origin no Access-Control-Allow-Origin, so its browser does not send or show", async () => {
    const response = await preflight("/v1/events", "https://elsewhere.example.net", LISTED);
    expect(response.status).toBe(204);
    expect(header(response, "access-control-allow-origin")).toBeNull();
    const posted = await postFrom("https://elsewhere.example.net", { env: LISTED });
    expect(header(posted, "access-control-allow-origin")).toBeNull();
  });
});

describe("the DEVICE_CORS_ORIGINS setting", () => {
  const originsOf = (value: string | undefined) =>
    parseConfig({ JWT_SECRET: "s", DEVICE_CORS_ORIGINS: value }).deviceCorsOrigins;

  it('is "*" by default, empty or "*"', () => {
    expect([originsOf(undefined), originsOf(""), originsOf(" * ")]).toEqual(["*", "*", "*"]);
  });

  it("lists origins separated by commas or spaces, lowercased", () => {
    expect(originsOf("https://App.example.com, http://127.0.0.1:8080 capacitor://localhost")).toEqual([
      "https://app.example.com",
      "http://127.0.0.1:8080",
      "capacitor://localhost",
    ]);
  });

  it.each(["https://app.example.com/", "https://app.example.com/path", "app.example.com", "https://*.example.com"])(
    "refuses %s: an origin is scheme://host[:port]",
    (value) => {
      expect(() => originsOf(value)).toThrow(/DEVICE_CORS_ORIGINS/);
    },
  );
});
