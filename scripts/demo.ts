/**
 * `npm run demo [-- --url http://127.0.0.1:8787]`: posts every example of the Audiogum document to a local
 * collector with a fresh dev token and prints the status and the response, as a device would see them; then the
 * dashboard's address and a token to sign in there.
 * @module
 */
import { randomBytes } from "node:crypto";
import { seedEvents } from "../fixtures/seed-events.js";
import { HELP_FLAG, parseFlags, runCommand, UsageError } from "./lib/cli.js";
import { mintDevToken } from "./lib/mint-token.js";

const DEFAULT_URL = "http://127.0.0.1:8787";
const USAGE = `Usage: npm run demo [-- --url ${DEFAULT_URL}]`;

await runCommand(USAGE, async () => {
  const { values } = parseFlags({ args: process.argv.slice(2), options: { url: { type: "string" }, help: HELP_FLAG } });
  const url = eventsUrl(values.url ?? DEFAULT_URL);
  const events = seedEvents();
  const token = await mintDevToken({
    tenant: "demo",
    // A new user and device each run, as a fresh install would be; the userid has the document's GUID shape.
    userid: randomBytes(16).toString("hex"),
    deviceid: `demo-device-${randomBytes(4).toString("hex")}`,
    scopes: ["events:write"],
    ttlSeconds: 300,
  });
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ schemaversion: "1.0", events }),
  }).catch((error: unknown) => {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(
      `No collector answered at ${url.origin} (${reason}). Start it with \`npm run dev\`, or pass --url.`,
    );
  });
  const text = await response.text();
  console.log(`POST ${url.pathname} with ${events.length} events: ${response.status} ${response.statusText}`);
  console.log(prettyJson(text));
  if (response.status !== 202) return 1;
  await printDashboardSignIn(url);
  return 0;
});

function eventsUrl(collector: string): URL {
  try {
    return new URL("/v1/events", collector);
  } catch {
    throw new UsageError(`--url must be a URL; got ${JSON.stringify(collector)}.`);
  }
}

/** Where to see the events (docs/insights.md), with a token to paste there: the page never takes one in a URL. */
async function printDashboardSignIn(collector: URL): Promise<void> {
  const viewerToken = await mintDevToken({
    tenant: "demo",
    userid: "demo-dashboard-viewer",
    deviceid: "demo-dashboard",
    scopes: ["insights:read", "exports:read"],
    ttlSeconds: 8 * 3600,
  });
  console.log(
    `\nDashboard: ${new URL("/dashboard", collector).href}\nSign in with this token (valid 8 hours):\n${viewerToken}`,
  );
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
