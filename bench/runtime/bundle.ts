/**
 * Bundles a Worker entry (TypeScript, npm imports) into one ES module with esbuild, as wrangler does: the
 * workerd export conditions, ES2024, no minification. The ajv validator is a virtual module whose source is
 * generated here, because workerd cannot compile one at run time.
 * @module
 */
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { eventValidatorModuleSource } from "../core/ajv-validator.js";
import { PROJECT_ROOT } from "../../scripts/lib/project-paths.js";

export const AJV_VIRTUAL_MODULE = "virtual:ajv-event-validator";

const ajvValidatorPlugin: Plugin = {
  name: "ajv-event-validator",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^virtual:ajv-event-validator$/ }, () => ({
      path: "ajv",
      namespace: "ajv-validator",
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "ajv-validator" }, () => ({
      contents: eventValidatorModuleSource(),
      loader: "js",
      resolveDir: PROJECT_ROOT,
    }));
  },
};

/** Returns the bundled module's source. */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.resolve(PROJECT_ROOT, entry)],
    bundle: true,
    format: "esm",
    target: "es2024",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    write: false,
    logLevel: "silent",
    plugins: [ajvValidatorPlugin],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}
