/**
 * Bench-only entry (never deployed, not in wrangler.toml): the real collector (src/index.ts) with its queue,
 * rate-limit and D1 bindings replaced by stand-ins that do only what the production client side does and answer
 * at once: a queue send serialises each message body (UTF-8 for text, JSON, a structured clone otherwise), a
 * limiter says yes, D1 answers the tenants lookup with the bench tenant's row. In production those bindings are
 * other services; locally Miniflare emulates them inside the same workerd, so this entry is what lets the bench
 * show the Worker's own latency and CPU per request apart from the emulators'.
 * @module
 */
import collector from "../../src/index.js";

export { ExportLedgerShard, LiveEventsRoom } from "../../src/index.js";

/** The row registerTenant writes for the bench tenant (bench/runtime/collector.ts). */
const BENCH_TENANT_ROW = {
  enabled: 1,
  geo: 1,
  ip_capture: 0,
  extra_sources: "[]",
  device_rate_tier: "high",
  tenant_rate_tier: "high",
  updated_at: 0,
};

const encoder = new TextEncoder();

function serialise(body: unknown, contentType: string | undefined): number {
  if (contentType === "text") return encoder.encode(String(body)).byteLength;
  if (contentType === "json") return encoder.encode(JSON.stringify(body)).byteLength;
  structuredClone(body);
  return 0;
}

const queueStandIn = {
  async send(body: unknown, options?: { contentType?: string }) {
    serialise(body, options?.contentType);
  },
  async sendBatch(messages: Iterable<{ body: unknown; contentType?: string }>) {
    for (const message of messages) serialise(message.body, message.contentType);
  },
} as unknown as Queue;

const limiterStandIn = { limit: async () => ({ success: true }) } as unknown as RateLimit;

function statementStandIn(sql: string, tenant?: unknown): D1PreparedStatement {
  const row = /\bFROM tenants\b/i.test(sql) && typeof tenant === "string" ? { tenant, ...BENCH_TENANT_ROW } : null;
  const statement = {
    bind: (...values: unknown[]) => statementStandIn(sql, values[0]),
    first: async () => row,
    all: async () => ({ success: true, results: row ? [row] : [], meta: {} }),
    raw: async () => (row ? [Object.values(row)] : []),
    run: async () => ({ success: true, results: [], meta: { changes: 0, rows_read: 0, rows_written: 0 } }),
  };
  return statement as unknown as D1PreparedStatement;
}

const dbStandIn = {
  prepare: (sql: string) => statementStandIn(sql),
  batch: async (statements: D1PreparedStatement[]) => Promise.all(statements.map((statement) => statement.run())),
} as unknown as D1Database;

// One stand-in env per runtime env, so what the Worker caches per env object (its parsed config) stays cached.
const standInEnvs = new WeakMap<Env, Env>();

function withStandIns(env: Env): Env {
  let standIn = standInEnvs.get(env);
  if (!standIn) {
    standIn = standInEnv(env);
    standInEnvs.set(env, standIn);
  }
  return standIn;
}

function standInEnv(env: Env): Env {
  return {
    ...env,
    EVENTS: queueStandIn,
    DB: dbStandIn,
    DEVICE_RATE_LIMIT: limiterStandIn,
    DEVICE_RATE_LIMIT_HIGH: limiterStandIn,
    TENANT_RATE_LIMIT: limiterStandIn,
    TENANT_RATE_LIMIT_HIGH: limiterStandIn,
    DEVICE_EVENT_RATE_LIMIT: limiterStandIn,
    DEVICE_EVENT_RATE_LIMIT_HIGH: limiterStandIn,
    TENANT_EVENT_RATE_LIMIT: limiterStandIn,
    TENANT_EVENT_RATE_LIMIT_HIGH: limiterStandIn,
  };
}

export default {
  fetch: (request, env, ctx) => collector.fetch(request, withStandIns(env), ctx),
} satisfies ExportedHandler<Env>;
