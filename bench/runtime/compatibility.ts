/**
 * The compatibility date of the collector (wrangler.toml), used for the bench-only Workers too so every
 * Worker in a run has the same runtime behaviour.
 * @module
 */
import { readFileSync } from "node:fs";
import { WRANGLER_CONFIG } from "../../scripts/lib/project-paths.js";

function compatibilityDate(): string {
  const match = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(readFileSync(WRANGLER_CONFIG, "utf8"));
  if (!match?.[1]) throw new Error("wrangler.toml has no compatibility_date");
  return match[1];
}

export const COMPATIBILITY_DATE = compatibilityDate();
