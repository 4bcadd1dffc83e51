/**
 * The check of `npm run generate -- --check` (run by `npm test`): what it reports of generated files that are
 * missing, out of date, named against the convention, or made by no generator.
 * @module
 */
import { describe, expect, it } from "vitest";
import { staleGenerated, strayGenerated } from "../../scripts/generate/generated-drift.js";

const MADE = [
  { path: "src/a.generated.ts", text: "export const a = 1;\n" },
  { path: "src/b.generated.d.ts", text: "export declare const b: number;\n" },
];

describe("a stale generated file", () => {
  it("is none when every file is as its generator makes it", () => {
    const tree = new Map(MADE.map((file) => [file.path, file.text]));
    expect(staleGenerated(MADE, (path) => tree.get(path))).toEqual([]);
  });

  it("is reported when missing or different by so much as a byte", () => {
    const tree = new Map([["src/a.generated.ts", "export const a = 1;"]]);
    expect(staleGenerated(MADE, (path) => tree.get(path))).toEqual([
      "src/a.generated.ts: out of date",
      "src/b.generated.d.ts: missing",
    ]);
  });

  it("is reported when a generator names its output against the convention", () => {
    expect(staleGenerated([{ path: "src/assets.ts", text: "" }], () => "")).toEqual([
      "src/assets.ts: a generated file's name must contain .generated.",
    ]);
  });
});

describe("a stray generated file", () => {
  it("is a file named generated that no generator makes", () => {
    expect(strayGenerated(MADE, ["src/a.generated.ts", "src/b.generated.d.ts", "src/old.generated.ts"])).toEqual([
      "src/old.generated.ts: no generator makes it; delete it",
    ]);
  });
});
