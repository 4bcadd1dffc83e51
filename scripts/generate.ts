/**
 * `npm run generate`: writes every generated file of the repository (commit them), each named `*.generated.*`
 * and marked generated in .gitattributes:
 *   event-validator   src/core/events/client-event-{validator,copy}.generated.{js,d.ts}, the fast path of
 *                     validateEvents (scripts/generate/event-validator.ts)
 *   dashboard-assets  src/dashboard/assets.generated.ts, the dashboard's browser files and uPlot
 *   env-types         worker-configuration.generated.d.ts, the Env type from wrangler.toml (`npm run types`)
 *   client-event-types  clients/js/src/audiogum-events.generated.ts, the device client's event types printed from
 *                     the zod schemas (clients/js/scripts/event-types-generator.ts)
 * `npm run generate -- <name>…` runs only those. `--check` (run by `npm test`) writes nothing and fails when a
 * file differs from what its generator makes now, is missing, or is a `*.generated.*` file no generator makes.
 * Offline, a few seconds. Exit: 0 done or current, 1 stale (with --check) or a generator failed, 2 bad usage.
 * @module
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { clientEventTypes } from "../clients/js/scripts/event-types-generator.js";
import { dashboardAssets } from "./generate/dashboard-assets.js";
import { envTypes } from "./generate/env-types.js";
import { eventValidator } from "./generate/event-validator.js";
import { staleGenerated, strayGenerated } from "./generate/generated-drift.js";
import { GENERATED_NAME, type GeneratedFile, type Generator } from "./generate/generator.js";
import { HELP_FLAG, parseFlags, runCommand, UsageError } from "./lib/cli.js";
import { PROJECT_ROOT } from "./lib/project-paths.js";

const GENERATORS: readonly Generator[] = [eventValidator, dashboardAssets, envTypes, clientEventTypes];

/** Folders never searched for stray generated files: installed, ignored or tool state. */
const SKIPPED_FOLDERS = new Set(["node_modules", "dist", "artifacts"]);

const USAGE = [
  "Usage: npm run generate [-- [--check] [<generator>…]]",
  "  --check   write nothing; exit 1 if a generated file is stale, missing or made by no generator",
  "Generators (all when none is named):",
  ...GENERATORS.map((generator) => `  ${generator.name.padEnd(18)}from ${generator.source}`),
].join("\n");

/** Every `*.generated.*` file in the tree, from the project root. */
function presentGeneratedFiles(folder = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(PROJECT_ROOT, folder), { withFileTypes: true })) {
    const relative = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !SKIPPED_FOLDERS.has(entry.name))
        found.push(...presentGeneratedFiles(relative));
    } else if (GENERATED_NAME.test(entry.name)) {
      found.push(relative);
    }
  }
  return found;
}

function committed(file: string): string | undefined {
  const absolute = path.join(PROJECT_ROOT, file);
  return existsSync(absolute) ? readFileSync(absolute, "utf8") : undefined;
}

function parseGenerateArgs(argv: string[]): { check: boolean; names: string[] } {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: { check: { type: "boolean" }, help: HELP_FLAG },
  });
  const unknown = positionals.filter((name) => !GENERATORS.some((generator) => generator.name === name));
  if (unknown.length > 0) throw new UsageError(`No generator named ${unknown.join(", ")}.`);
  return { check: values.check ?? false, names: positionals };
}

/** Exit status 1 and what is wrong when anything is; 0 when every generated file is current. */
function check(made: readonly GeneratedFile[], strays: readonly string[]): number {
  const drift = [...staleGenerated(made, committed), ...strays];
  if (drift.length === 0) {
    console.log(`generate: the ${made.length} generated files are current.`);
    return 0;
  }
  for (const line of drift) console.error(`generate: ${line}`);
  console.error("generate: run `npm run generate` and commit the result.");
  return 1;
}

/** Writes the files that differ, leaving the others untouched (and their timestamps). */
function write(made: readonly GeneratedFile[], strays: readonly string[], from: readonly Generator[]): number {
  const changed = made.filter((file) => committed(file.path) !== file.text);
  for (const file of changed) writeFileSync(path.join(PROJECT_ROOT, file.path), file.text);
  const wrote = changed.length > 0 ? `wrote ${changed.map((file) => file.path).join(", ")}` : "nothing changed";
  const names = from.map((generator) => generator.name).join(", ");
  console.log(`generate: ${wrote} (${made.length} file${made.length === 1 ? "" : "s"} from ${names}).`);
  // Left for the developer to delete: it may be someone's work in progress.
  for (const line of strays) console.warn(`generate: ${line}`);
  return 0;
}

await runCommand(
  USAGE,
  async () => {
    const options = parseGenerateArgs(process.argv.slice(2));
    const all = options.names.length === 0;
    const chosen = all ? GENERATORS : GENERATORS.filter((generator) => options.names.includes(generator.name));
    const made = (await Promise.all(chosen.map((generator) => generator.files()))).flat();
    // Strays can be told only when every generator ran.
    const strays = all ? strayGenerated(made, presentGeneratedFiles()) : [];
    return options.check ? check(made, strays) : write(made, strays, chosen);
  },
  { failurePrefix: "generate: " },
);
