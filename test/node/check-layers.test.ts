/**
 * The layer check of `npm test` (scripts/check-layers.ts) on tiny graphs in memory: each rule it enforces is
 * broken once here and must be reported, so the check cannot pass by reading nothing or skipping a rule.
 * @module
 */
import { describe, expect, it } from "vitest";
import { bindingTypeNames } from "../../scripts/check-layers/binding-types.js";
import { layerViolations } from "../../scripts/check-layers/layer-violations.js";
import { readModuleFacts } from "../../scripts/check-layers/module-facts.js";
import type { LayerRules } from "../../scripts/check-layers/rules.js";

const RULES: LayerRules = {
  sourceRoot: "src",
  entry: "src/index.ts",
  areas: ["core", "edge", "delivery"],
  corePackages: ["zod"],
  bindingTypes: new Set(["Env", "R2Bucket"]),
  crossAreaImports: [{ from: "edge", to: "src/delivery/ledger.ts", why: "the admin route reads the ledger" }],
};

/** A small collector that keeps every rule: the modules each case below adds one file to or changes. */
const CLEAN: Record<string, string> = {
  "src/index.ts":
    'import { app } from "./edge/app.js";\nimport { send } from "./delivery/send.js";\nexport { app, send };',
  "src/core/event.ts": 'import { z } from "zod";\nexport const event = z.object({});',
  "src/core/names.ts": 'import type { event } from "./event.js";\nexport type Names = typeof event;',
  "src/edge/app.ts":
    'import { event } from "../core/event.js";\nimport { rows } from "../delivery/ledger.js";\nexport const app = { event, rows, env: null as Env | null };',
  "src/delivery/ledger.ts": "export const rows = (bucket: R2Bucket) => bucket;",
  "src/delivery/send.ts": 'import { rows } from "./ledger.js";\nexport const send = rows;',
  "src/core/check.generated.js": "export default function check() { return true; }",
  "src/core/check.generated.d.ts":
    'import type { Names } from "./names.js";\nexport default function check(value: Names): boolean;',
};

function violations(changes: Record<string, string | undefined>, rules: LayerRules = RULES): string[] {
  const files = new Map<string, string>();
  for (const [file, text] of Object.entries({ ...CLEAN, ...changes })) if (text !== undefined) files.set(file, text);
  return layerViolations(readModuleFacts(files), rules);
}

describe("a graph that keeps every rule", () => {
  it("has no violations", () => {
    expect(violations({})).toEqual([]);
  });

  it("is read whole: every import form, resolved to its module", () => {
    const facts = readModuleFacts(
      new Map(
        Object.entries({
          ...CLEAN,
          "src/edge/forms.ts": [
            'import type { Names } from "../core/names.js";',
            'export { event } from "../core/event.js";',
            'import check = require("../core/check.generated.js");',
            'const later = () => import("./app.js");',
            'type Lazy = typeof import("zod");',
          ].join("\n"),
        }),
      ),
    );
    const forms = facts.find((module) => module.path === "src/edge/forms.ts")!;
    expect(forms.imports.map((entry) => [entry.line, entry.target])).toEqual([
      [1, { kind: "module", path: "src/core/names.ts" }],
      [2, { kind: "module", path: "src/core/event.ts" }],
      [3, { kind: "module", path: "src/core/check.generated.js" }],
      [4, { kind: "module", path: "src/edge/app.ts" }],
      [5, { kind: "package", name: "zod" }],
    ]);
    // A declaration file beside its module is that module: its imports are the module's.
    const check = facts.find((module) => module.path === "src/core/check.generated.js")!;
    expect(check.imports.map((entry) => entry.target)).toEqual([{ kind: "module", path: "src/core/names.ts" }]);
    expect(facts.some((module) => module.path.endsWith(".d.ts"))).toBe(false);
  });
});

describe("the core imports nothing deployable", () => {
  it("reports an import of another area, type-only too", () => {
    expect(
      violations({
        "src/core/names.ts": 'import type { app } from "../edge/app.js";\nexport type Names = typeof app;',
      }),
    ).toEqual(["src/core/names.ts:1: the core imports src/edge/app.ts (edge); it may import only the core"]);
  });

  it("reports a cloudflare: module and a package not allowed to the core", () => {
    expect(
      violations({
        "src/core/room.ts": 'import { DurableObject } from "cloudflare:workers";\nimport { Hono } from "hono/tiny";',
      }),
    ).toEqual([
      "src/core/room.ts:1: the core imports cloudflare:workers; it may import only the core and zod",
      "src/core/room.ts:2: the core imports hono; it may import only the core and zod",
    ]);
  });

  it("reports a binding type, qualified or in an extends clause, but not a type of the module's own", () => {
    expect(
      violations({
        "src/core/store.ts": [
          "export const read = (bucket: R2Bucket) => bucket;",
          "export interface Bindings extends Env {}",
        ].join("\n"),
        "src/core/local.ts":
          "interface R2Bucket { name: string }\nexport const name = (bucket: R2Bucket) => bucket.name;",
      }),
    ).toEqual([
      "src/core/store.ts:1: the core uses R2Bucket; it takes plain values, not bindings",
      "src/core/store.ts:2: the core uses Env; it takes plain values, not bindings",
    ]);
  });
});

describe("areas reach each other only through allowed entry points", () => {
  it("reports an import of another area's internal module, naming what is allowed", () => {
    expect(violations({ "src/edge/send.ts": 'export { send } from "../delivery/send.js";' })).toEqual([
      "src/edge/send.ts:1: edge imports src/delivery/send.ts, an internal module of delivery; edge may import only src/delivery/ledger.ts of delivery",
    ]);
  });

  it("reports an area with no allowance at all", () => {
    expect(
      violations({ "src/delivery/send.ts": 'import { app } from "../edge/app.js";\nexport const send = app;' }),
    ).toEqual([
      "src/delivery/send.ts:1: delivery imports src/edge/app.ts, an internal module of edge; delivery may import nothing of edge",
    ]);
  });

  it("reports an allowance that no module uses any more", () => {
    expect(violations({ "src/edge/app.ts": "export const app = {};" })).toEqual([
      "src/delivery/ledger.ts: allowed for edge, which no longer imports it",
    ]);
  });
});

describe("the entry, the tree and the areas", () => {
  it("reports an import of the entry", () => {
    expect(violations({ "src/edge/again.ts": 'import "../index.js";' })).toEqual([
      "src/edge/again.ts:1: imports the entry src/index.ts, which only wires the areas",
    ]);
  });

  it("reports a module in no area, an import that resolves to nothing and one out of the tree", () => {
    expect(
      violations({
        "src/helpers/misc.ts": "export const x = 1;",
        "src/edge/typo.ts": 'import { rows } from "../delivery/ledgr.js";\nimport { t } from "../../test/t.js";',
        "test/t.ts": "export const t = 1;",
      }),
    ).toEqual([
      "src/helpers/misc.ts: in no area; add its folder of src/ to the areas",
      "src/edge/typo.ts:1: ../delivery/ledgr.js resolves to no module",
      "src/edge/typo.ts:2: imports test/t.ts, outside src/",
    ]);
  });
});

describe("no import cycles", () => {
  it("reports a cycle of type-only imports with its path and every module in it", () => {
    expect(
      violations({
        "src/delivery/a.ts": 'import type { B } from "./b.js";\nexport type A = { b?: B };',
        "src/delivery/b.ts":
          'import type { A } from "./a.js";\nimport type { C } from "./c.js";\nexport type B = { a?: A; c?: C };',
        "src/delivery/c.ts": 'import type { B } from "./b.js";\nexport type C = { b?: B };',
      }),
    ).toEqual([
      "src/delivery/a.ts: import cycle src/delivery/a.ts → src/delivery/b.ts → src/delivery/a.ts (and through src/delivery/c.ts)",
    ]);
  });

  it("reports a module that imports itself", () => {
    expect(violations({ "src/edge/self.ts": 'import "./self.js";' })).toEqual([
      "src/edge/self.ts: import cycle src/edge/self.ts → src/edge/self.ts",
    ]);
  });
});

describe("the binding types", () => {
  it("are the types of the generated Env's members", () => {
    const env = `declare namespace Cloudflare {
      interface GlobalProps { mainModule: typeof import("./src/index"); }
      interface Env { EXPORTS: R2Bucket; DB: D1Database; ROOM: DurableObjectNamespace<import("./src/index").Room>; LIMIT: string; }
    }
    interface Env extends Cloudflare.Env {}`;
    expect([...bindingTypeNames(env)].sort()).toEqual(["D1Database", "DurableObjectNamespace", "R2Bucket"]);
  });
});
