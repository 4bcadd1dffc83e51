/**
 * Runs the real Worker locally for Node tests, as `npm run dev` does: wrangler applies the D1 migrations with
 * `d1 migrations apply --local`, then wrangler's unstable_startWorker serves it on loopback in local mode (workerd
 * with local Queues, R2 and D1; nothing remote). It uses a copy of wrangler.toml in a temporary folder so the
 * test chooses its own secret, open tenancy, loopback destinations and a 1 s queue batch timeout, and keeps its
 * storage there. Requests to it carry tokens of a device of the tenant (user-of-{tenant}, device-of-{tenant}),
 * or of the user and device a test names.
 * @module
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { experimental_readRawConfig, unstable_startWorker } from "wrangler";
import { seedEvents } from "../../../fixtures/seed-events.js";
import { signToken } from "../../../scripts/lib/mint-token.js";
import { PROJECT_ROOT, WRANGLER_CONFIG } from "../../../scripts/lib/project-paths.js";
import { captureWrangler } from "../../../scripts/lib/run-wrangler.js";

const SECRET = "node-test-signing-secret";
const ADMIN_TOKEN = "node-test-admin";
const DESTINATION_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

export interface LocalCollector {
  url: URL;
  adminToken: string;
  folder: string;
  /** A token of the tenant's test device, or of the user and device `identity` names. */
  token(
    tenant: string,
    scope: "events:write" | "exports:read",
    identity?: { user?: string; device?: string },
  ): Promise<string>;
  /** POSTs the events as a device of the tenant; the test fails unless all are accepted (202). */
  postEvents(tenant: string, events: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * POSTs the document's examples, each time with fresh sequence numbers (the same events again would be dropped
   * as duplicates); returns how many were accepted (all, or the test fails).
   */
  postSeedEvents(tenant: string): Promise<number>;
  /** GETs a path (with its query) with the tenant's exports:read token. */
  getAs(tenant: string, path: string): Promise<Response>;
  stop(): Promise<void>;
}

/** vars: wrangler.toml vars to override, e.g. shorter delivery retries. */
export async function startLocalCollector(options: { vars?: Record<string, string> } = {}): Promise<LocalCollector> {
  const folder = await mkdtemp(path.join(tmpdir(), "collector-"));
  const configPath = path.join(folder, "wrangler.json");
  const persistTo = path.join(folder, "state");
  await writeFile(configPath, JSON.stringify(testConfig(options.vars ?? {})));
  await writeFile(
    path.join(folder, ".dev.vars"),
    `JWT_SECRET=${SECRET}\nJWT_SECRET_PREVIOUS=\nADMIN_TOKEN=${ADMIN_TOKEN}\nDESTINATION_KEY=${DESTINATION_KEY}\n`,
  );
  const migrations = ["d1", "migrations", "apply", "DB", "--local", "--config", configPath, "--persist-to", persistTo];
  const applied = await captureWrangler(migrations);
  if (applied.code !== 0) {
    throw new Error(`wrangler ${migrations.join(" ")} exited ${applied.code}:\n${applied.stdout}${applied.stderr}`);
  }

  const worker = await unstable_startWorker({
    config: configPath,
    sendMetrics: false,
    dev: {
      remote: false,
      persist: persistTo,
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      watch: false,
      logLevel: "warn",
    },
  });
  await worker.ready;
  const url = await worker.url;
  const token = (tenant: string, scope: string, identity: { user?: string; device?: string } = {}) =>
    signToken(
      {
        tenant,
        userid: identity.user ?? `user-of-${tenant}`,
        deviceid: identity.device ?? `device-of-${tenant}`,
        scopes: [scope],
        ttlSeconds: 3600,
      },
      SECRET,
    );
  const postEvents = async (tenant: string, events: readonly Record<string, unknown>[]) => {
    const response = await fetch(new URL("/v1/events", url), {
      method: "POST",
      headers: { authorization: `Bearer ${await token(tenant, "events:write")}`, "content-type": "application/json" },
      body: JSON.stringify({ schemaversion: "1.0", events }),
    });
    expect(response.status, await response.clone().text()).toBe(202);
  };
  let sequence = 0;
  return {
    url,
    adminToken: ADMIN_TOKEN,
    folder,
    token,
    postEvents,
    async postSeedEvents(tenant) {
      const events = seedEvents().map((event) => ({ ...event, sequencenumber: ++sequence }));
      await postEvents(tenant, events);
      return events.length;
    },
    getAs: async (tenant, path) =>
      fetch(new URL(path, url), { headers: { authorization: `Bearer ${await token(tenant, "exports:read")}` } }),
    stop: () => worker.dispose(),
  };
}

function testConfig(vars: Record<string, string>): Record<string, unknown> {
  const { rawConfig } = experimental_readRawConfig({ config: WRANGLER_CONFIG });
  const config = structuredClone(rawConfig) as Record<string, unknown> & {
    vars?: Record<string, unknown>;
    d1_databases?: Array<Record<string, unknown>>;
    queues?: { consumers?: Array<Record<string, unknown>> };
  };
  config.main = path.join(PROJECT_ROOT, String(config.main));
  // Test tenants are made up: let any tenant in a valid token send (test/edge/tenants.test.ts covers the rest).
  // Destinations here are emulators on loopback, which only DELIVERY_ALLOW_LOOPBACK_ENDPOINTS allows.
  config.vars = { ...config.vars, OPEN_TENANCY: "true", DELIVERY_ALLOW_LOOPBACK_ENDPOINTS: "true", ...vars };
  for (const database of config.d1_databases ?? []) {
    database.migrations_dir = path.join(PROJECT_ROOT, String(database.migrations_dir ?? "migrations"));
  }
  // Deliver queued events after a second, not the deployed 30 s, so the test waits for files briefly.
  for (const consumer of config.queues?.consumers ?? []) consumer.max_batch_timeout = 1;
  delete config.triggers;
  return config;
}
