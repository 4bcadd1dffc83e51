/**
 * The dashboard's embedded assets (src/dashboard/assets.generated.ts) are what `npm run build:dashboard` makes
 * of src/dashboard/client/ and the installed uPlot: a stale file would serve an old page.
 * @module
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, generatedAssetsModule } from "../../scripts/build-dashboard.js";

describe("the dashboard's generated assets", () => {
  it("are current: run `npm run build:dashboard` and commit the result if this fails", async () => {
    expect(await readFile(GENERATED_PATH, "utf8")).toBe(await generatedAssetsModule());
  });
});
