import { afterEach, describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { callWorker, collectorRequest } from "../support/worker.js";
import { envelope, postEvents } from "../support/ingest.js";
import { deviceClaims, signToken } from "../support/tokens.js";

describe("routes", () => {
  it("answers GET /healthz", async () => {
    const response = await callWorker("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers an unknown path with 404 in the JSON error shape", async () => {
    const response = await callWorker(collectorRequest("/v2/events", { method: "POST" }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answers a wrong method with 405, the allowed methods and the JSON error shape", async () => {
    const response = await callWorker("/v1/events");
    expect(response.status).toBe(405);
    // OPTIONS: the CORS preflight of browser clients (test/edge/device-cors.test.ts).
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
  });

  it("answers an unexpected failure with 503 and no stack trace", async () => {
    const response = await postEvents(envelope(seedEvents()), { env: { MAX_EVENT_BYTES: "not a number" } });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/\bat\s+\S+\s+\(/);
    expect(JSON.parse(text)).toEqual({ error: { code: "temporarily_unavailable", message: expect.any(String) } });
  });
});

describe("the request log line", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs the client's path bounded and in printable ASCII, and the 404 says no more", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const path = `/v1/${"%E2%80%AE%0A%F0%9F%98%80".repeat(10)}${"x".repeat(16 * 1024)}`;
    const response = await callWorker(path);
    expect(response.status).toBe(404);
    const message = ((await response.json()) as { error: { message: string } }).error.message;
    const logged = String((JSON.parse(lines.find((line) => line.includes('"request"'))!) as { path: unknown }).path);
    for (const text of [message, logged]) {
      expect(text).toMatch(/^[\x20-\x7e]+$/);
      expect(text.length).toBeLessThan(250);
    }
    expect(logged).toMatch(/^\/v1\/\\u202e\\u000a\\ud83d\\ude00/);
  });

  it("is one JSON object with msg request, tenant, status, counts and duration, and never the token", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const token = await signToken(deviceClaims());
    const bad = { ...seedEvents()[1], connection: "wifi" };
    const response = await postEvents(envelope([seedEvents()[1], bad]), {
      token,
      headers: { "cf-ray": "8f00ba11c0ffee00-LHR", "cf-connecting-ip": "203.0.113.9" },
    });
    expect(response.status).toBe(202);
    const requestLines = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === "request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      msg: "request",
      method: "POST",
      path: "/v1/events",
      tenant: "acme",
      status: 202,
      accepted: 1,
      rejected: 1,
      reject_reasons: "connection: must be one of: none, wan, cellular",
      ray: "8f00ba11c0ffee00-LHR",
      bytes_in: expect.any(Number),
      duration_ms: expect.any(Number),
    });
    const everything = lines.join("\n");
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split(".")[2]);
    expect(everything).not.toContain("203.0.113.9");
  });
});
