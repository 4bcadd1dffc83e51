/**
 * Where the developer scripts, the bench and the Node tests find the project: every path is resolved from this
 * file, not the caller's cwd, so a command behaves the same whether npm or a person in another folder starts it.
 * @module
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Local secrets wrangler dev reads; gitignored, created by dev-secrets.ts. */
export const DEV_VARS_PATH = path.join(PROJECT_ROOT, ".dev.vars");

/** The committed Env types and the template whose keys define the secrets in them. */
export const ENV_TYPES_PATH = path.join(PROJECT_ROOT, "worker-configuration.generated.d.ts");
export const DEV_VARS_EXAMPLE = ".dev.vars.example";

export const WRANGLER_CONFIG = path.join(PROJECT_ROOT, "wrangler.toml");
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "migrations");

/** A package's file under node_modules, e.g. nodeModule("wrangler", "bin", "wrangler.js"). */
export function nodeModule(...segments: string[]): string {
  return path.join(PROJECT_ROOT, "node_modules", ...segments);
}

/** The pinned wrangler of node_modules, run with this Node: never a global or newer one. */
export const WRANGLER_ENTRY = nodeModule("wrangler", "bin", "wrangler.js");
