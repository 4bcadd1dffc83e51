/**
 * A step of `npm test`: fails when src/ breaks its layering (scripts/check-layers/rules.ts says what holds and
 * why) or has an import cycle. Prints one line per violation, then how to fix it. Offline, well under a second.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { bindingTypeNames } from "./check-layers/binding-types.js";
import { layerViolations } from "./check-layers/layer-violations.js";
import { isModuleFile, readModuleFacts } from "./check-layers/module-facts.js";
import { collectorRules } from "./check-layers/rules.js";
import { ENV_TYPES_PATH, PROJECT_ROOT } from "./lib/project-paths.js";

const rules = collectorRules(bindingTypeNames(readFileSync(ENV_TYPES_PATH, "utf8")));
const sources = new Map<string, string>();
for (const entry of readdirSync(path.join(PROJECT_ROOT, rules.sourceRoot), { recursive: true, encoding: "utf8" })) {
  const file = path.posix.join(rules.sourceRoot, entry.split(path.sep).join("/"));
  if (isModuleFile(file)) sources.set(file, readFileSync(path.join(PROJECT_ROOT, file), "utf8"));
}
const modules = readModuleFacts(sources);
const violations = layerViolations(modules, rules);
if (violations.length > 0) {
  for (const violation of violations) console.error(violation);
  console.error(
    `check-layers: ${violations.length} violation(s). Import through an allowed entry point, or change the rules (with their reason) in scripts/check-layers/rules.ts.`,
  );
  process.exit(1);
}
const imports = modules.reduce((sum, module) => sum + module.imports.length, 0);
console.log(`check-layers: ${modules.length} modules, ${imports} imports: the layers hold and nothing imports itself.`);
