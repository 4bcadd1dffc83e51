// Two test projects: "workers" runs inside workerd (vitest-pool-workers) against the bindings declared in
// wrangler.toml; "node" runs what only Node can (the customer's command line, DuckDB over exported files, the
// device client of clients/js).
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                JWT_SECRET: "test-signing-secret-not-for-production",
                JWT_SECRET_PREVIOUS: "",
                ADMIN_TOKEN: "test-admin-token",
                DESTINATION_KEY: "7d1f0c5e8a2b4c6d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f",
                // Tests use many made-up tenants; test/edge/tenants.test.ts covers closed tenancy.
                OPEN_TENANCY: "true",
                // A request that queues nothing sends its report at once (in waitUntil), not 10 s later.
                REQUEST_REPORT_FLUSH_MS: "0",
              },
              // Functional tests send far more than a device's production limit; the limiter tests use the
              // tiny binding below in place of the production ones.
              ratelimits: {
                DEVICE_RATE_LIMIT: { simple: { limit: 1_000_000, period: 60 } },
                TENANT_RATE_LIMIT: { simple: { limit: 1_000_000, period: 60 } },
                DEVICE_EVENT_RATE_LIMIT: { simple: { limit: 1_000_000, period: 60 } },
                TENANT_EVENT_RATE_LIMIT: { simple: { limit: 1_000_000, period: 60 } },
                TEST_TINY_RATE_LIMIT: { simple: { limit: 3, period: 60 } },
              },
              queueConsumers: {
                "audiogum-events": { maxBatchTimeout: 0.05 },
                "audiogum-events-dlq": { maxBatchTimeout: 0.05 },
                "audiogum-deliveries": { maxBatchTimeout: 0.05 },
                "audiogum-deliveries-dlq": { maxBatchTimeout: 0.05 },
                "audiogum-erasures": { maxBatchTimeout: 0.05 },
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
          // Tests assert behaviour, never timings: a generous limit keeps a busy 2-core CI machine from failing them.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts", "clients/js/test/**/*.test.ts"],
          environment: "node",
        },
      },
    ],
  },
});
