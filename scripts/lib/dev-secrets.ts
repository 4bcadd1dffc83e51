/**
 * Owns .dev.vars, the local secrets of `wrangler dev`: creates the dev signing secret and admin token when they are
 * missing (or empty), never overwrites a value someone set, and reads them back for the scripts that mint tokens.
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEV_VARS_EXAMPLE, DEV_VARS_PATH, PROJECT_ROOT } from "./project-paths.js";

/** The secrets a local collector needs (DESTINATION_KEY: 64 hex digits, as the Worker requires); JWT_SECRET_PREVIOUS
 * is only for rotations and stays unset in dev. */
const GENERATED_SECRETS = ["JWT_SECRET", "ADMIN_TOKEN", "DESTINATION_KEY"] as const;

export type DevVars = Record<string, string>;

export interface EnsuredDevSecrets {
  vars: DevVars;
  /** Names (never values) of the secrets this call created, for a one-line notice. */
  created: string[];
}

/** The variables of .dev.vars as they are (none when there is no file); nothing is created. */
export function readDevVars(): DevVars {
  return existsSync(DEV_VARS_PATH) ? parseDevVars(readFileSync(DEV_VARS_PATH, "utf8")) : {};
}

/** Makes sure .dev.vars holds every generated secret and returns its variables. */
export function ensureDevSecrets(): EnsuredDevSecrets {
  const original = existsSync(DEV_VARS_PATH) ? readFileSync(DEV_VARS_PATH, "utf8") : exampleTemplate();
  const filled = fillMissingSecrets(original, () => randomBytes(32).toString("hex"));
  // 0600: the file holds secrets; the mode only applies when the file is new.
  if (filled.created.length > 0) writeFileSync(DEV_VARS_PATH, filled.text, { mode: 0o600 });
  return { vars: parseDevVars(filled.text), created: filled.created };
}

/**
 * Sets each generated secret that is absent or empty in a .dev.vars text. An empty line like `JWT_SECRET=`
 * (copied from .dev.vars.example) is filled in place, an absent one appended; a value someone set is kept.
 */
export function fillMissingSecrets(text: string, newSecret: () => string): { text: string; created: string[] } {
  const vars = parseDevVars(text);
  const created = GENERATED_SECRETS.filter((name) => !vars[name]);
  let filled = text;
  for (const name of created) filled = setEmptyOrAppend(filled, name, newSecret());
  return { text: filled, created: [...created] };
}

/** The signing secret of the local collector, created first if there is none. */
export function devSigningSecret(): string {
  const { vars, created } = ensureDevSecrets();
  reportCreated(created);
  const secret = vars.JWT_SECRET;
  if (!secret) throw new Error(".dev.vars has no JWT_SECRET");
  return secret;
}

export function reportCreated(created: readonly string[]): void {
  // stderr, so a script whose stdout is a token keeps it clean.
  if (created.length > 0) console.error(`Created ${created.join(" and ")} in .dev.vars (local only, gitignored).`);
}

// A new .dev.vars starts as a copy of the example so it has the same names as the committed Env types: wrangler
// compares the two and otherwise warns on every `wrangler dev` that the types might be out of date.
function exampleTemplate(): string {
  const examplePath = path.join(PROJECT_ROOT, DEV_VARS_EXAMPLE);
  return existsSync(examplePath) ? readFileSync(examplePath, "utf8") : "";
}

/** Reads the dotenv lines wrangler accepts: KEY=VALUE, optional `export`, optional quotes, # comments. */
export function parseDevVars(text: string): DevVars {
  const vars: DevVars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    vars[match[1]] = unquote(match[2] ?? "");
  }
  return vars;
}

function unquote(raw: string): string {
  const quoted = /^(["'`])(.*)\1$/.exec(raw);
  if (quoted) return quoted[2] ?? "";
  return raw.replace(/\s+#.*$/, "");
}

function setEmptyOrAppend(text: string, name: string, value: string): string {
  // [ \t], not \s: with the m flag \s would match the line break and join this line to the next.
  const emptyLine = new RegExp(`^([ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=)[ \\t]*(?:""|'')?[ \\t]*$`, "m");
  if (emptyLine.test(text)) return text.replace(emptyLine, `$1${value}`);
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  return `${text}${separator}${name}=${value}\n`;
}
