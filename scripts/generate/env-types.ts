/**
 * The `env-types` generator of `npm run generate` (alone: `npm run types`): worker-configuration.generated.d.ts,
 * the `Env` type of the bindings, vars and secrets, made by the pinned `wrangler types` from wrangler.toml and
 * .dev.vars.example (the secrets' names, never .dev.vars). A new binding or var therefore cannot go untyped:
 * `npm test` fails until this is regenerated.
 *
 * Why not `wrangler types --check`: in wrangler 4.86.0 the check ignores --env-file and reads the secrets from
 * .dev.vars (or .env) instead, so it fails on every fresh clone and whenever .dev.vars has other keys. Why a
 * temporary file: `wrangler types` only writes a file, and one beside the output keeps the relative import of the
 * entry module the same; its name in wrangler's header is then put back to the output's, so the file is exactly
 * what `wrangler types worker-configuration.generated.d.ts <flags>` writes.
 * @module
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { DEV_VARS_EXAMPLE, ENV_TYPES_PATH, PROJECT_ROOT } from "../lib/project-paths.js";
import { captureWrangler } from "../lib/run-wrangler.js";
import type { Generator } from "./generator.js";

const FLAGS = ["--include-runtime=false", "--strict-vars=false", "--env-file", DEV_VARS_EXAMPLE];

export const envTypes: Generator = {
  name: "env-types",
  source: `wrangler.toml and ${DEV_VARS_EXAMPLE} (wrangler types)`,
  async files() {
    const output = path.relative(PROJECT_ROOT, ENV_TYPES_PATH).split(path.sep).join("/");
    const temporary = path.join(path.dirname(ENV_TYPES_PATH), `.env-types.${process.pid}.d.ts`);
    const relativeTemporary = path.relative(PROJECT_ROOT, temporary);
    try {
      const run = await captureWrangler(["types", relativeTemporary, ...FLAGS]);
      if (run.code !== 0) throw new Error(`env-types: \`wrangler types\` failed:\n${run.stdout}${run.stderr}`);
      const text = readFileSync(temporary, "utf8").replace(
        `wrangler types ${relativeTemporary} `,
        `wrangler types ${output} `,
      );
      return [{ path: output, text }];
    } finally {
      rmSync(temporary, { force: true });
    }
  },
};
