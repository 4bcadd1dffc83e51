import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { READINESS_PROBE } from "../../src/core/events/queue-message.js";
import { callWorker, collectorRequest, deliverBatch } from "../support/worker.js";
import { deviceClaims, signToken } from "../support/tokens.js";

function readyz(token: string | null, overrides: Partial<Env> = {}): Promise<Response> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return callWorker(collectorRequest("/readyz", { headers }), overrides);
}

const outage = (binding: string) => () => Promise.reject(new Error(`${binding} is down`));

/** Stand-ins for the bindings, failing the one call each readiness check makes, as an outage would. */
const BROKEN: Record<"EVENTS" | "EXPORTS" | "DB", unknown> = {
  EVENTS: { send: outage("EVENTS") },
  EXPORTS: { list: outage("EXPORTS") },
  DB: { prepare: () => ({ first: outage("DB") }) },
};

describe("GET /readyz", () => {
  it("is refused without the admin token, and with a device token", async () => {
    expect((await readyz(null)).status).toBe(401);
    expect((await readyz(await signToken(deviceClaims()))).status).toBe(401);
  });

  it("answers 200 when the queue, R2 and D1 all answer", async () => {
    const response = await readyz(env.ADMIN_TOKEN);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", checks: { queue: "ok", r2: "ok", d1: "ok" } });
  });

  it.each([
    ["queue", "EVENTS"],
    ["r2", "EXPORTS"],
    ["d1", "DB"],
  ] as const)("answers 503 naming %s when its binding fails", async (check, binding) => {
    const response = await readyz(env.ADMIN_TOKEN, { [binding]: BROKEN[binding] } as Partial<Env>);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe("not_ready");
    expect(body.checks[check]).toBe(`${binding} is down`);
    expect(Object.values(body.checks).filter((value) => value === "ok")).toHaveLength(2);
  });

  it("logs the cause of a failing check at error level", async () => {
    const lines: string[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      expect((await readyz(env.ADMIN_TOKEN, { DB: BROKEN.DB } as Partial<Env>)).status).toBe(503);
    } finally {
      errors.mockRestore();
    }
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        msg: "request_error",
        level: "error",
        path: "/readyz",
        code: "not_ready",
        check: "d1",
        error_message: "DB is down",
      }),
    ]);
  });
});

describe("the readiness probe message", () => {
  it("is acknowledged by the consumer without writing anything", async () => {
    const before = await env.EXPORTS.list();
    const result = await deliverBatch("audiogum-events", [
      { id: "probe-1", timestamp: new Date(), attempts: 1, body: READINESS_PROBE },
    ]);
    expect(result.explicitAcks).toEqual(["probe-1"]);
    expect(result.retryMessages).toEqual([]);
    expect((await env.EXPORTS.list()).objects).toHaveLength(before.objects.length);
  });
});
