/**
 * How the tree's generated files differ from what the generators make now, one line each: missing, out of date
 * or named against the convention (stale), or a `*.generated.*` file no generator makes (stray: a renamed
 * output left behind, a copy).
 * @module
 */
import { GENERATED_NAME, type GeneratedFile } from "./generator.js";

/** `committed` reads a file as it is in the tree, undefined when it is absent. */
export function staleGenerated(
  made: readonly GeneratedFile[],
  committed: (path: string) => string | undefined,
): string[] {
  const stale: string[] = [];
  for (const file of made) {
    if (!GENERATED_NAME.test(file.path)) stale.push(`${file.path}: a generated file's name must contain .generated.`);
    const text = committed(file.path);
    if (text === undefined) stale.push(`${file.path}: missing`);
    else if (text !== file.text) stale.push(`${file.path}: out of date`);
  }
  return stale;
}

/** `present`: every file of the tree whose name marks it generated. */
export function strayGenerated(made: readonly GeneratedFile[], present: readonly string[]): string[] {
  const madePaths = new Set(made.map((file) => file.path));
  return present.filter((path) => !madePaths.has(path)).map((path) => `${path}: no generator makes it; delete it`);
}
