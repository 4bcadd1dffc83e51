/**
 * README's table of error codes is complete: every code of src/core/foundation/errors.ts (the list of record)
 * stands in it with its status, so a new code cannot ship undocumented.
 * @module
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/lib/project-paths.js";
import { ERROR_STATUS } from "../../src/core/foundation/errors.js";

/** code -> status, from the table's rows: `| 503 | \`a\`, \`b\` | when |`. */
function documentedStatuses(readme: string): Map<string, number> {
  const statuses = new Map<string, number>();
  for (const [, status, codes] of readme.matchAll(/^\| (\d{3}) \| ([^|]+) \|/gm)) {
    for (const [, code] of codes!.matchAll(/`([a-z_]+)`/g)) statuses.set(code!, Number(status));
  }
  return statuses;
}

describe("README's error codes", () => {
  it("list every code of errors.ts with its status", () => {
    const documented = documentedStatuses(readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8"));
    for (const [code, status] of Object.entries(ERROR_STATUS)) expect(documented.get(code), code).toBe(status);
  });
});
