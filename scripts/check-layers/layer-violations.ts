/**
 * Holds the modules' facts (module-facts.ts) to the layer rules (rules.ts) and says every way they are broken,
 * one line each (`path:line: what`): core importing anything deployable or using a binding type, an area
 * reaching into another's internals, an allowance nobody uses, an unresolved or out-of-tree import, an import of
 * the entry, and every import cycle with its path.
 * @module
 */
import type { ModuleFacts, ModuleImport } from "./module-facts.js";
import type { CrossAreaImport, LayerRules } from "./rules.js";

const ENTRY = "the entry";
const OUTSIDE = "outside";

function areaOf(file: string, rules: LayerRules): string | undefined {
  if (file === rules.entry) return ENTRY;
  const prefix = `${rules.sourceRoot}/`;
  if (!file.startsWith(prefix)) return OUTSIDE;
  const [folder, ...rest] = file.slice(prefix.length).split("/");
  return rest.length > 0 && folder && rules.areas.includes(folder) ? folder : undefined;
}

/** What is wrong with one import of a module of `from`, or undefined when the rules allow it. */
function importViolation(
  from: string,
  imported: ModuleImport,
  rules: LayerRules,
  used: Set<CrossAreaImport>,
): string | undefined {
  const [core] = rules.areas;
  const { target } = imported;
  if (target.kind === "missing") return `${imported.specifier} resolves to no module`;
  if (target.kind === "package") {
    if (from !== core || rules.corePackages.includes(target.name)) return undefined;
    return `the core imports ${target.name}; it may import only the core and ${rules.corePackages.join(", ")}`;
  }
  const to = areaOf(target.path, rules);
  if (target.path === rules.entry) return `imports the entry ${rules.entry}, which only wires the areas`;
  if (to === OUTSIDE) return `imports ${target.path}, outside ${rules.sourceRoot}/`;
  if (from === ENTRY || to === from || to === undefined) return undefined;
  if (from === core) return `the core imports ${target.path} (${to}); it may import only the core`;
  if (to === core) return undefined;
  const allowance = rules.crossAreaImports.find((entry) => entry.from === from && entry.to === target.path);
  if (allowance) {
    used.add(allowance);
    return undefined;
  }
  const entryPoints = rules.crossAreaImports.filter((entry) => entry.from === from && areaOf(entry.to, rules) === to);
  const allowed = entryPoints.length > 0 ? `only ${entryPoints.map((entry) => entry.to).join(", ")}` : "nothing";
  return `${from} imports ${target.path}, an internal module of ${to}; ${from} may import ${allowed} of ${to}`;
}

export interface ImportCycle {
  /** One shortest loop through the cycle's first module: a → b → a. */
  loop: string[];
  /** Every module that is in a cycle with those of the loop, the loop's included. */
  modules: string[];
}

/** Every import cycle among the modules (each set of modules that import one another, once). */
export function importCycles(modules: readonly ModuleFacts[]): ImportCycle[] {
  const edges = new Map<string, string[]>();
  for (const module of modules) {
    const targets = module.imports.flatMap((entry) => (entry.target.kind === "module" ? [entry.target.path] : []));
    edges.set(module.path, [...new Set(targets)]);
  }
  // Tarjan's strongly connected components; a component of two or more modules, or one importing itself, is a
  // cycle. Each is reported once, by one shortest loop through its first module.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: ImportCycle[] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = new Set<string>();
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.add(member);
    } while (member !== node);
    if (component.size > 1 || edges.get(node)?.includes(node)) {
      cycles.push({ loop: shortestLoop(node, component, edges), modules: [...component].sort() });
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) connect(node);
  return cycles;
}

function shortestLoop(start: string, within: Set<string>, edges: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (const node of queue) {
    for (const next of edges.get(node) ?? []) {
      if (next === start) {
        const loop = [start];
        for (let step: string | undefined = node; step !== undefined && step !== start; step = previous.get(step)) {
          loop.splice(1, 0, step);
        }
        return [...loop, start];
      }
      if (within.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

export function layerViolations(modules: readonly ModuleFacts[], rules: LayerRules): string[] {
  const [core] = rules.areas;
  const violations: string[] = [];
  const used = new Set<CrossAreaImport>();
  for (const module of modules) {
    const area = areaOf(module.path, rules);
    if (area === OUTSIDE) continue;
    if (area === undefined) {
      violations.push(`${module.path}: in no area; add its folder of ${rules.sourceRoot}/ to the areas`);
      continue;
    }
    for (const imported of module.imports) {
      const violation = importViolation(area, imported, rules, used);
      if (violation) violations.push(`${module.path}:${imported.line}: ${violation}`);
    }
    if (area !== core) continue;
    for (const use of module.freeTypeNames) {
      if (rules.bindingTypes.has(use.name)) {
        violations.push(`${module.path}:${use.line}: the core uses ${use.name}; it takes plain values, not bindings`);
      }
    }
  }
  for (const allowance of rules.crossAreaImports) {
    if (!used.has(allowance))
      violations.push(`${allowance.to}: allowed for ${allowance.from}, which no longer imports it`);
  }
  for (const { loop, modules: members } of importCycles(modules)) {
    const others = members.filter((member) => !loop.includes(member));
    const also = others.length > 0 ? ` (and through ${others.join(", ")})` : "";
    violations.push(`${loop[0]}: import cycle ${loop.join(" → ")}${also}`);
  }
  return violations;
}
