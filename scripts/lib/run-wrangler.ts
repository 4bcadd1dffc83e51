/**
 * Runs the project's pinned wrangler as a child process, never sending usage metrics: with the terminal attached,
 * relaying signals so Ctrl-C or a `kill` of the script stops wrangler (and its workerd) instead of orphaning
 * them; or with its output captured, for a command whose answer a script or test reads.
 * @module
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { PROJECT_ROOT, WRANGLER_ENTRY } from "./project-paths.js";

export type WranglerExit = { code: number; signal: null } | { code: null; signal: NodeJS.Signals };

// No usage metrics: the scripts must work offline and send nothing anywhere.
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false" };

const RELAYED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export function runWrangler(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<WranglerExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_ENTRY, ...args], {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: { ...process.env, ...WRANGLER_ENV, ...extraEnv },
    });
    // A terminal's Ctrl-C reaches wrangler too; a signal sent to this process alone must be passed on. Either
    // way this process stays up until wrangler has exited, so its exit status is the one reported.
    const relay = (signal: NodeJS.Signals): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
    const stopRelaying = (): void => {
      for (const signal of RELAYED_SIGNALS) process.off(signal, relay);
    };
    child.on("error", (error) => {
      stopRelaying();
      reject(error);
    });
    child.on("exit", (code, signal) => {
      stopRelaying();
      resolve(signal ? { code: null, signal } : { code: code ?? 1, signal: null });
    });
  });
}

/** Ends this process the way wrangler ended, so callers (npm, CI, a shell) see the same status. */
export function exitLike(exit: WranglerExit): never {
  if (exit.signal) {
    process.kill(process.pid, exit.signal);
    // Only reached if the signal did not end this process: the shell convention for "killed by signal N".
    process.exit(128 + constants.signals[exit.signal]);
  }
  process.exit(exit.code);
}

export interface CapturedWrangler {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs wrangler to its end with CI=true (no prompts, default answers) and returns what it printed. */
export function captureWrangler(args: readonly string[]): Promise<CapturedWrangler> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_ENTRY, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...WRANGLER_ENV, CI: "true" },
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
