/**
 * Runs one SQL command on the collector's D1 database (local, or --remote) through the pinned wrangler and
 * returns the rows it produced.
 * @module
 */
import { captureWrangler } from "./run-wrangler.js";

export type D1Target = "local" | "remote";

export async function executeD1(sql: string, target: D1Target): Promise<Record<string, unknown>[]> {
  const { code, stdout, stderr } = await captureWrangler([
    "d1",
    "execute",
    "DB",
    `--${target}`,
    "--json",
    "--command",
    sql,
  ]);
  if (code !== 0) throw new Error(`wrangler d1 execute failed:\n${stderr || stdout}`);
  const results = JSON.parse(stdout) as Array<{ results?: Record<string, unknown>[] }>;
  return results.flatMap((result) => result.results ?? []);
}
