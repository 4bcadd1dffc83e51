/**
 * GET /v1/exports/{key}: streams one of the caller's committed files as stored (a JSON Lines file's gzip bytes
 * with no Content-Encoding, so clients save exactly what R2 holds; a Parquet file; an aggregates file), with ETag, If-None-Match (304) and Range (206).
 * Every key that is not a committed file of the caller's gets the same 404, so nothing tells a key exists.
 * @module
 */
import type { Context } from "hono";
import { basePath } from "hono/route";
import { CollectorError } from "../../core/foundation/errors.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";
import { CONTENT_TYPES } from "../../core/exports/export-key.js";
import { formatOfTenantKey, keyFromPath } from "./requested-key.js";
import { findCommittedFile } from "./manifest-reads.js";
import { exportObjectEtag, readExportObject } from "./object-reads.js";
import { matchesIfNoneMatch, parseByteRange } from "./download-headers.js";

export async function getExportFile(c: Context<EdgeEnv>): Promise<Response> {
  const principal = c.get("principal");
  const key = keyFromPath(new URL(c.req.url).pathname, `${basePath(c)}/`);
  const format = key === undefined ? undefined : formatOfTenantKey(key, principal.tenant);
  if (key === undefined || format === undefined) throw noSuchFile();
  const file = await findCommittedFile(c.env, principal.tenant, key);
  if (!file) throw noSuchFile();
  const etag = file.etag ?? (await exportObjectEtag(c.env.EXPORTS, key));
  if (etag === undefined) throw noSuchFile();

  const headers = new Headers({
    etag: `"${etag}"`,
    "accept-ranges": "bytes",
    // The object under a key never changes; only the caller may cache it.
    "cache-control": "private, max-age=31536000, immutable",
  });
  if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) return new Response(null, { status: 304, headers });

  const range = parseByteRange(c.req.header("range"), file.size);
  if (range === "unsatisfiable") {
    throw new CollectorError(
      "range_not_satisfiable",
      `The file is ${file.size} bytes; the Range asks for none of them.`,
      {
        headers: { "content-range": `bytes */${file.size}` },
      },
    );
  }
  const object = await readExportObject(c.env.EXPORTS, key, range);
  if (!object) throw noSuchFile();
  headers.set("content-type", CONTENT_TYPES[format]);
  headers.set("content-disposition", `attachment; filename="${key.slice(key.lastIndexOf("/") + 1)}"`);
  addLogFields(c, { bytes_out: range ? range.length : object.size });
  if (!range) {
    headers.set("content-length", String(object.size));
    return new Response(object.body, { status: 200, headers });
  }
  headers.set("content-length", String(range.length));
  headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
  return new Response(object.body, { status: 206, headers });
}

// One message for every key: it must not differ between a missing file, another tenant's and a malformed key.
function noSuchFile(): CollectorError {
  return new CollectorError("not_found", "No such export file.");
}
