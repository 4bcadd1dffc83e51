/**
 * GET /v1/exports?from=&to=&limit=&cursor=&format=: the caller's committed files of one format in key order, one page at a
 * time. A page ends with the cursor of the next one, or null when there is none.
 * @module
 */
import type { Context } from "hono";
import type { ExportListing } from "../../core/exports/export-listing.js";
import type { EdgeEnv } from "../edge-env.js";
import { addLogFields } from "../request-log.js";
import { encodeCursor } from "./list-cursor.js";
import { listCommittedFiles } from "./manifest-reads.js";
import { parseListQuery } from "./list-query.js";

export async function listExports(c: Context<EdgeEnv>): Promise<Response> {
  const principal = c.get("principal");
  const request = parseListQuery(new URL(c.req.url), principal.tenant);
  // One row more than the page tells whether another page follows without a second query.
  const rows = await listCommittedFiles(c.env, {
    tenant: principal.tenant,
    format: request.format,
    fromDay: request.from,
    toDay: request.to,
    afterKey: request.afterKey,
    limit: request.limit + 1,
  });
  const files = rows.slice(0, request.limit);
  const last = files.at(-1);
  const listing: ExportListing = { files, cursor: rows.length > request.limit && last ? encodeCursor(last.key) : null };
  addLogFields(c, { files: files.length });
  return c.json(listing, 200, { "cache-control": "private, no-store" });
}
