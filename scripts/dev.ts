// `npm run dev`: the collector on wrangler's local Queues/R2/D1. Creates the dev secrets if missing, applies the
// D1 migrations to the local database, then runs `wrangler dev` with every extra argument passed through.
import { ensureDevSecrets, reportCreated } from "./dev-secrets.js";
import { exitLike, runWrangler } from "./run-wrangler.js";

const { created } = ensureDevSecrets();
reportCreated(created);

// CI=true makes wrangler take the default answer instead of asking before it applies migrations.
const migrations = await runWrangler(["d1", "migrations", "apply", "DB", "--local"], { CI: "true" });
if (migrations.code !== 0) {
  console.error("Applying the D1 migrations to the local database failed; not starting wrangler dev.");
  exitLike(migrations);
}

exitLike(await runWrangler(["dev", ...process.argv.slice(2)]));
