/**
 * `npm run redrive -- --url <collector> [--token <admin token>] [--limit <page size>]`: sends every dead letter
 * back through the pipeline, one page per POST /admin/redrive, and prints the totals as JSON. The token defaults
 * to ADMIN_TOKEN from the environment, else from .dev.vars (the local collector's). Bad usage: exit 2; a failed
 * request: exit 1.
 * @module
 */
import { type AdminTarget, adminRequest, adminTarget } from "./lib/admin-client.js";
import { HELP_FLAG, parseFlags, runCommand, UsageError } from "./lib/cli.js";

const USAGE = `Usage: npm run redrive -- --url <collector URL> [--token <admin token>] [--limit <1-1000>]
  --url    the collector, e.g. http://localhost:8787
  --token  its ADMIN_TOKEN (default: ADMIN_TOKEN from the environment, else from .dev.vars)
  --limit  dead letters per request (default: 100)`;

interface RedrivePageResult {
  redriven: number;
  skipped: number;
  next: string | null;
}

async function redriveAll(
  target: AdminTarget,
  limit: string,
): Promise<{ redriven: number; skipped: number; pages: number }> {
  // Only what was dead when the run began: a message that dies again meanwhile waits for the next run.
  const before = new Date().toISOString();
  const totals = { redriven: 0, skipped: 0, pages: 0 };
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ limit, before, ...(after ? { after } : {}) });
    const page: RedrivePageResult = await adminRequest(target, "POST", `/admin/redrive?${query}`);
    totals.redriven += page.redriven;
    totals.skipped += page.skipped;
    totals.pages++;
    console.error(`page ${totals.pages}: ${page.redriven} redriven, ${page.skipped} skipped`);
    after = page.next;
  } while (after);
  return totals;
}

await runCommand(USAGE, async () => {
  const { values } = parseFlags({
    args: process.argv.slice(2),
    options: {
      url: { type: "string" },
      token: { type: "string" },
      limit: { type: "string", default: "100" },
      help: HELP_FLAG,
    },
  });
  if (!values.url) throw new UsageError("--url is required.");
  console.log(JSON.stringify(await redriveAll(adminTarget(values), values.limit)));
});
