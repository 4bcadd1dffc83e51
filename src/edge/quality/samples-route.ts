/**
 * GET /v1/quality/samples?from&to&limit&cursor lists the token's tenant's samples of rejected events (R2
 * `{tenant}/_rejected/…`, src/core/quality/rejected-sample-key.ts), oldest first; GET /v1/quality/samples/{key}
 * downloads one (its gzip bytes as stored, as an export file is served). Tenant isolation as the pull API's: the
 * listing only ever reads under the token's tenant's prefix, and every key that is not one of its samples gets the
 * same 404.
 * @module
 */
import type { Context } from "hono";
import { basePath } from "hono/route";
import { z } from "zod";
import { addDays } from "../../core/insights/summary-range.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { dayOfRejectedKey, rejectedDayPrefix, rejectedPrefix } from "../../core/quality/rejected-sample-key.js";
import type { EdgeEnv } from "../edge-env.js";
import { matchesIfNoneMatch } from "../exports/download-headers.js";
import { keyFromPath } from "../exports/requested-key.js";
import { dayParam, pageLimitParam, readQuery, requireFromNotAfterTo } from "../query-params.js";
import { addLogFields } from "../request-log.js";

/** The retention (7 days) and today. */
export const MAX_SAMPLE_DAYS = 8;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const samplesQuerySchema = z.strictObject({
  from: dayParam.optional(),
  to: dayParam.optional(),
  limit: pageLimitParam(MAX_LIMIT).optional(),
  cursor: z.string().optional(),
});

export interface SampleEntry {
  key: string;
  size: number;
  uploaded: string;
  /** The counted path of the sample's first error, and its errors' distinct codes (space separated). */
  path: string;
  codes: string;
}

export async function listSamples(c: Context<EdgeEnv>): Promise<Response> {
  const tenant = c.get("principal").tenant;
  const query = readQuery(new URL(c.req.url), samplesQuerySchema, "see docs/quality.md");
  const to = query.to ?? new Date().toISOString().slice(0, 10);
  const from = query.from ?? addDays(to, 1 - MAX_SAMPLE_DAYS);
  requireFromNotAfterTo(from, to);
  if (addDays(from, MAX_SAMPLE_DAYS - 1) < to) {
    throw new CollectorError("invalid_query", `The samples are listed ${MAX_SAMPLE_DAYS} days at most at a time.`);
  }
  if (query.cursor !== undefined && dayOfRejectedKey(tenant, query.cursor) === undefined) {
    throw new CollectorError("invalid_query", "cursor is not one of this listing's cursors.");
  }
  const limit = query.limit ?? DEFAULT_LIMIT;
  const firstKey = rejectedDayPrefix(tenant, from);
  const listed = await c.env.EXPORTS.list({
    prefix: rejectedPrefix(tenant),
    startAfter: query.cursor !== undefined && query.cursor > firstKey ? query.cursor : firstKey,
    limit,
    include: ["customMetadata"],
  });
  const samples: SampleEntry[] = [];
  let past = false;
  for (const object of listed.objects) {
    const day = dayOfRejectedKey(tenant, object.key);
    if (day === undefined) continue;
    if (day > to) {
      past = true;
      break;
    }
    samples.push({
      key: object.key,
      size: object.size,
      uploaded: object.uploaded.toISOString(),
      path: decoded(object.customMetadata?.path),
      codes: decoded(object.customMetadata?.codes),
    });
  }
  addLogFields(c, { samples: samples.length });
  const last = samples.at(-1);
  const more = listed.truncated && !past && last !== undefined;
  return c.json({ samples, ...(more ? { cursor: last.key } : {}) }, 200, { "cache-control": "private, no-store" });
}

export async function getSample(c: Context<EdgeEnv>): Promise<Response> {
  const key = keyFromPath(new URL(c.req.url).pathname, `${basePath(c)}/samples/`);
  if (key === undefined || dayOfRejectedKey(c.get("principal").tenant, key) === undefined) throw noSuchSample();
  const object = await c.env.EXPORTS.get(key);
  if (!object) throw noSuchSample();
  const headers = new Headers({
    etag: object.httpEtag,
    "cache-control": "private, no-store",
    "content-type": "application/gzip",
    "content-disposition": `attachment; filename="${key.slice(key.lastIndexOf("/") + 1)}"`,
  });
  if (matchesIfNoneMatch(c.req.header("if-none-match"), object.etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("content-length", String(object.size));
  addLogFields(c, { bytes_out: object.size });
  return new Response(object.body, { status: 200, headers });
}

function decoded(text: string | undefined): string {
  if (text === undefined) return "";
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// One message for every key: it must not differ between a missing sample, another tenant's and a malformed key.
function noSuchSample(): CollectorError {
  return new CollectorError("not_found", "No such sample.");
}
