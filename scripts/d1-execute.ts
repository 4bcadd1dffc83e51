/**
 * Runs one SQL command on the collector's D1 database (local, or --remote) through the pinned wrangler and
 * returns the rows it produced.
 * @module
 */
import { spawn } from "node:child_process";
import { PROJECT_ROOT, WRANGLER_ENTRY } from "./project-paths.js";

export type D1Target = "local" | "remote";

export async function executeD1(sql: string, target: D1Target): Promise<Record<string, unknown>[]> {
  const args = [WRANGLER_ENTRY, "d1", "execute", "DB", `--${target}`, "--json", "--command", sql];
  const { code, stdout, stderr } = await run(args);
  if (code !== 0) throw new Error(`wrangler d1 execute failed:\n${stderr || stdout}`);
  const results = JSON.parse(stdout) as Array<{ results?: Record<string, unknown>[] }>;
  return results.flatMap((result) => result.results ?? []);
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
