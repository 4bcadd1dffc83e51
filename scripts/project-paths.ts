/**
 * Where the developer scripts find the project: every path is resolved from this file, not the caller's cwd,
 * so a script behaves the same whether npm or a person in another folder starts it.
 * @module
 */
import { fileURLToPath } from "node:url";
import path from "node:path";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Local secrets wrangler dev reads; gitignored, created by dev-secrets.ts. */
export const DEV_VARS_PATH = path.join(PROJECT_ROOT, ".dev.vars");

/** The committed Env types and the template whose keys define the secrets in them. */
export const ENV_TYPES_PATH = path.join(PROJECT_ROOT, "worker-configuration.d.ts");
export const DEV_VARS_EXAMPLE = ".dev.vars.example";

/** The pinned wrangler of node_modules, run with this Node: never a global or newer one. */
export const WRANGLER_ENTRY = path.join(PROJECT_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
