/**
 * `npm run redrive -- --url <collector> [--token <admin token>] [--limit <page size>]`: sends every dead letter
 * back through the pipeline, one page per POST /admin/redrive, and prints the totals as JSON. The token defaults
 * to ADMIN_TOKEN of .dev.vars (the local collector's). Bad usage: exit 2; a failed request: exit 1.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseDevVars } from "./dev-secrets.js";
import { DEV_VARS_PATH } from "./project-paths.js";

const USAGE = `Usage: npm run redrive -- --url <collector URL> [--token <admin token>] [--limit <1-1000>]
  --url    the collector, e.g. http://localhost:8787
  --token  its ADMIN_TOKEN (default: ADMIN_TOKEN from .dev.vars)
  --limit  dead letters per request (default: 100)`;

interface RedriveOptions {
  url: string;
  token: string;
  limit: string;
}

interface RedrivePageResult {
  redriven: number;
  skipped: number;
  next: string | null;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): RedriveOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        limit: { type: "string", default: "100" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return "help";
  if (!values.url) throw new UsageError("--url is required.");
  const token = values.token ?? devAdminToken();
  if (!token) throw new UsageError("--token is required: .dev.vars has no ADMIN_TOKEN.");
  return { url: values.url.replace(/\/+$/, ""), token, limit: values.limit };
}

function devAdminToken(): string | undefined {
  if (!existsSync(DEV_VARS_PATH)) return undefined;
  return parseDevVars(readFileSync(DEV_VARS_PATH, "utf8")).ADMIN_TOKEN || undefined;
}

async function redriveAll(options: RedriveOptions): Promise<{ redriven: number; skipped: number; pages: number }> {
  // Only what was dead when the run began: a message that dies again meanwhile waits for the next run.
  const before = new Date().toISOString();
  const totals = { redriven: 0, skipped: 0, pages: 0 };
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ limit: options.limit, before, ...(after ? { after } : {}) });
    const response = await fetch(`${options.url}/admin/redrive?${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.token}` },
    });
    if (!response.ok) throw new Error(`POST /admin/redrive answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as RedrivePageResult;
    totals.redriven += page.redriven;
    totals.skipped += page.skipped;
    totals.pages++;
    console.error(`page ${totals.pages}: ${page.redriven} redriven, ${page.skipped} skipped`);
    after = page.next;
  } while (after);
  return totals;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  try {
    console.log(JSON.stringify(await redriveAll(options)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

await main();
