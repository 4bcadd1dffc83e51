/**
 * What a generator of `npm run generate` is: a name to run it by and the files it makes, computed in memory, so
 * that one runner (scripts/generate.ts) writes them all or compares them all with the committed ones.
 * @module
 */

/** Every generated file's name has `.generated.` in it, wherever it lives: `assets.generated.ts`. */
export const GENERATED_NAME = /\.generated\./;

export interface GeneratedFile {
  /** From the project root, with `/`. */
  path: string;
  text: string;
}

export interface Generator {
  /** As given to `npm run generate -- <name>`. */
  name: string;
  /** What it is made from, for the usage text. */
  source: string;
  files(): Promise<GeneratedFile[]>;
}
