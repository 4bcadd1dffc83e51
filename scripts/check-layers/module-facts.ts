/**
 * What the layer check needs to know of each module, read with TypeScript's parser alone (no program, no type
 * checking): every import it makes, with the module or package it names, and the type names it uses without
 * declaring them. Imports are all of them: `import`, `import type`, `export … from`, `import x = require()`,
 * dynamic `import()` and `import("…")` in types. Works on texts in memory, so a test can give it a tiny graph.
 * @module
 */
import path from "node:path";
import ts from "typescript";

export type ImportTarget =
  | { kind: "module"; path: string }
  | { kind: "package"; name: string }
  /** A relative specifier that names no module among the sources. */
  | { kind: "missing" };

export interface ModuleImport {
  specifier: string;
  line: number;
  target: ImportTarget;
}

export interface ModuleFacts {
  /** From the project root, with `/`. A declaration file beside its .js module counts as that module. */
  path: string;
  imports: ModuleImport[];
  /**
   * Type names used and not declared or imported in the module (globals such as `Env` or `R2Bucket`). Type
   * parameters do not count as declared: one named like a global type is reported as that type.
   */
  freeTypeNames: { name: string; line: number }[];
}

const MODULE_FILE = /\.(ts|mts|js|mjs)$/;

export function isModuleFile(file: string): boolean {
  return MODULE_FILE.test(file);
}

/** The facts of every module of `sources` (path from the project root → text). */
export function readModuleFacts(sources: ReadonlyMap<string, string>): ModuleFacts[] {
  const byPath = new Map<string, ModuleFacts>();
  for (const [file, text] of sources) {
    if (!isModuleFile(file)) continue;
    const id = moduleId(file, sources);
    const facts = byPath.get(id) ?? { path: id, imports: [], freeTypeNames: [] };
    byPath.set(id, facts);
    scanModule(file, text, sources, facts);
  }
  return [...byPath.values()];
}

function moduleId(file: string, sources: ReadonlyMap<string, string>): string {
  if (!file.endsWith(".d.ts")) return file;
  const implementation = `${file.slice(0, -".d.ts".length)}.js`;
  return sources.has(implementation) ? implementation : file;
}

function resolveRelative(from: string, specifier: string, sources: ReadonlyMap<string, string>): ImportTarget {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.m?js$/, "");
  for (const candidate of [`${stem}.ts`, `${stem}.js`, `${stem}.d.ts`, base, `${base}/index.ts`]) {
    if (sources.has(candidate) && isModuleFile(candidate))
      return { kind: "module", path: moduleId(candidate, sources) };
  }
  return { kind: "missing" };
}

/** `zod` of `zod/mini`, `@scope/name` of `@scope/name/sub`; `cloudflare:workers` and `node:fs` as they are. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

function target(from: string, specifier: string, sources: ReadonlyMap<string, string>): ImportTarget {
  if (specifier.startsWith(".") || specifier.startsWith("/")) return resolveRelative(from, specifier, sources);
  return { kind: "package", name: packageName(specifier) };
}

/** The first identifier of `a`, `a.b.c` or an expression `a.b`: the name a global type is looked up by. */
function leftmostName(node: ts.Node): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isQualifiedName(node)) return leftmostName(node.left);
  if (ts.isPropertyAccessExpression(node)) return leftmostName(node.expression);
  return undefined;
}

function importedSpecifier(node: ts.Node): ts.Expression | undefined {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node.moduleSpecifier;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    return node.moduleReference.expression;
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return node.arguments[0];
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) return node.argument.literal;
  return undefined;
}

function declaredName(node: ts.Node): string | undefined {
  if (
    ts.isImportClause(node) ||
    ts.isNamespaceImport(node) ||
    ts.isImportSpecifier(node) ||
    ts.isImportEqualsDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isModuleDeclaration(node)
  ) {
    return node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
  }
  return undefined;
}

function usedTypeName(node: ts.Node): string | undefined {
  if (ts.isTypeReferenceNode(node)) return leftmostName(node.typeName);
  if (ts.isTypeQueryNode(node)) return leftmostName(node.exprName);
  if (ts.isExpressionWithTypeArguments(node)) return leftmostName(node.expression);
  return undefined;
}

function scanModule(file: string, text: string, sources: ReadonlyMap<string, string>, facts: ModuleFacts): void {
  const kind = /\.m?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const declared = new Set<string>();
  const used: { name: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    const specifier = importedSpecifier(node);
    if (specifier && ts.isStringLiteralLike(specifier)) {
      facts.imports.push({
        specifier: specifier.text,
        line: lineOf(node),
        target: target(file, specifier.text, sources),
      });
    }
    const declaration = declaredName(node);
    if (declaration) declared.add(declaration);
    const name = usedTypeName(node);
    if (name) used.push({ name, line: lineOf(node) });
    ts.forEachChild(node, visit);
  };
  visit(source);
  facts.freeTypeNames.push(...used.filter((use) => !declared.has(use.name)));
}
