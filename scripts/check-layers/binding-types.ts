/**
 * The type names of the Worker's bindings, read from the generated Env (worker-configuration.generated.d.ts):
 * the types of the members of every `interface Env` in it (`R2Bucket`, `D1Database`, `Queue`, `RateLimit`, …).
 * A binding added to wrangler.toml is therefore forbidden to the core as soon as `npm run types` has run.
 * @module
 */
import ts from "typescript";

export function bindingTypeNames(envTypes: string): Set<string> {
  const source = ts.createSourceFile("env.d.ts", envTypes, ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) names.add(node.typeName.text);
    ts.forEachChild(node, collect);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === "Env") {
      for (const member of node.members) collect(member);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}
