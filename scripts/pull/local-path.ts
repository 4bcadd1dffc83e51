/**
 * Where a key is saved under the output folder: its own path, so the folder layout is the bucket's. A key that
 * would leave the folder (a `..`, an absolute path) is refused whatever the server says.
 * @module
 */
import path from "node:path";

export function localPathFor(outDir: string, key: string): string {
  const segments = key.split("/");
  const unsafe = segments.some(
    (segment) => segment === "" || segment === "." || segment === ".." || segment.includes("\\"),
  );
  const root = path.resolve(outDir);
  const target = path.resolve(root, ...segments);
  if (unsafe || !target.startsWith(root + path.sep))
    throw new Error(`refusing to save the key ${JSON.stringify(key)} outside ${root}`);
  return target;
}
