// Tests run inside workerd (vitest-pool-workers) against the bindings declared in wrangler.toml.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: "test-signing-secret-not-for-production",
            JWT_SECRET_PREVIOUS: "",
            ADMIN_TOKEN: "test-admin-token",
          },
          queueConsumers: {
            "audiogum-events": { maxBatchTimeout: 0.05 },
            "audiogum-events-dlq": { maxBatchTimeout: 0.05 },
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
    },
  };
});
