/**
 * Runs the real Worker locally for Node tests, as `npm run dev` does: wrangler applies the D1 migrations with
 * `d1 migrations apply --local`, then wrangler's unstable_startWorker serves it on loopback in local mode (workerd
 * with local Queues, R2 and D1; nothing remote). It uses a copy of wrangler.toml in a temporary folder so the
 * test chooses its own secret, open tenancy, loopback destinations and a 1 s queue batch timeout, and keeps its
 * storage there.
 * @module
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sign } from "hono/utils/jwt/jwt";
import { experimental_readRawConfig, unstable_startWorker } from "wrangler";
import { PROJECT_ROOT, WRANGLER_CONFIG } from "../../scripts/lib/project-paths.js";
import { captureWrangler } from "../../scripts/lib/run-wrangler.js";

const SECRET = "node-test-signing-secret";
const ADMIN_TOKEN = "node-test-admin";
const DESTINATION_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

export interface LocalCollector {
  url: URL;
  adminToken: string;
  folder: string;
  token(tenant: string, scope: "events:write" | "exports:read"): Promise<string>;
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
  return {
    url: await worker.url,
    adminToken: ADMIN_TOKEN,
    folder,
    token: (tenant, scope) =>
      sign(
        {
          tenant,
          sub: `user-of-${tenant}`,
          deviceid: `device-of-${tenant}`,
          scope,
          exp: Math.floor(Date.now() / 1000) + 3600,
        },
        SECRET,
        "HS256",
      ),
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
