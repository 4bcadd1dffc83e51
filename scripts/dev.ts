/**
 * `npm run dev`: the collector on wrangler's local Queues/R2/D1. Creates the dev secrets if missing, applies the
 * D1 migrations to the local database, registers the "demo" tenant there, then runs `wrangler dev` with every
 * extra argument passed through.
 * @module
 */
import { DEFAULT_TENANT_SETTINGS } from "../src/core/tenants/tenant-settings.js";
import { executeD1 } from "./lib/d1-execute.js";
import { ensureDevSecrets, reportCreated } from "./lib/dev-secrets.js";
import { exitLike, runWrangler } from "./lib/run-wrangler.js";
import { addTenantSql } from "./lib/tenant-sql.js";

/** The tenant of `npm run demo` and the README's examples; with OPEN_TENANCY off only registered tenants may send. */
const DEMO_TENANT = "demo";

const { created } = ensureDevSecrets();
reportCreated(created);

// CI=true makes wrangler take the default answer instead of asking before it applies migrations.
const migrations = await runWrangler(["d1", "migrations", "apply", "DB", "--local"], { CI: "true" });
if (migrations.code !== 0) {
  console.error("Applying the D1 migrations to the local database failed; not starting wrangler dev.");
  exitLike(migrations);
}

// Idempotent: the insert does nothing when the tenant exists, so settings changed with `npm run tenant` are kept.
await executeD1(addTenantSql(DEMO_TENANT, DEFAULT_TENANT_SETTINGS, Date.now()), "local");

exitLike(await runWrangler(["dev", ...process.argv.slice(2)]));
