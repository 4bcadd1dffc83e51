/**
 * Reads back what the export wrote: objects under a prefix, a file's lines (gunzipped), and the manifest.
 * @module
 */
import { env } from "cloudflare:test";
import { shardCommittedKeys } from "./ledger.js";

export async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.EXPORTS.list({ prefix, ...(cursor ? { cursor } : {}) });
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

/** The file's text after gunzip; decoded independently of src/core/exports/gzip.ts. */
export async function readExportText(key: string): Promise<string> {
  const object = await env.EXPORTS.get(key);
  if (!object) throw new Error(`no object at ${key}`);
  return gunzipText(await object.arrayBuffer());
}

/** Gunzipped bytes as text, decoded independently of src/core/exports/gzip.ts. */
export async function gunzipText(bytes: ArrayBuffer): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

export async function readExportLines(key: string): Promise<Record<string, unknown>[]> {
  const text = await readExportText(key);
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every event line in every object under the tenant's prefix. */
export async function exportedLines(tenant: string): Promise<Record<string, unknown>[]> {
  const files = await Promise.all((await listKeys(`${tenant}/`)).map(readExportLines));
  return files.flat();
}

/** The committed files of the tenant: in its ledger shards, and in the D1 manifest of before the shards. */
export async function committedKeys(tenant: string, bindings: Partial<Env> = {}): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT key FROM export_files WHERE tenant = ? AND state = 'committed' ORDER BY key",
  )
    .bind(tenant)
    .all<{ key: string }>();
  const keys = new Set([...rows.results.map((row) => row.key), ...(await shardCommittedKeys(tenant, bindings))]);
  return [...keys].sort();
}

/** The export convention, written from the issue rather than from src/core/exports/export-key.ts. */
export function exportKeyPattern(tenant: string): RegExp {
  const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  return new RegExp(
    `^${tenant}/(\\d{4})/\\1-(\\d{2})/\\1-\\2-(\\d{2})/\\1-\\2-\\3T(\\d{2})(\\d{2})_(\\d{6}\\.\\d{3})_${uuid}\\.jsonl\\.gz$`,
  );
}
