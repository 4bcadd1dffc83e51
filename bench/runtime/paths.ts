/**
 * Where the benchmark finds the project and writes its results, resolved from this file.
 * @module
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RESULTS_DIR = path.join(PROJECT_ROOT, "bench", "results");
export const WRANGLER_CONFIG = path.join(PROJECT_ROOT, "wrangler.toml");
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "migrations");
