/**
 * Reads the query of GET /v1/exports (from, to, limit, cursor, format) into a listing request, or a 400 invalid_query
 * whose message names the parameter and what it must be.
 * @module
 */
import { z } from "zod";
import { EXPORT_FORMATS, type ExportFormat } from "../../core/exports/export-key.js";
import { dayParam, pageLimitParam, readQuery, requireFromNotAfterTo } from "../query-params.js";
import { decodeCursor } from "./list-cursor.js";

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

const listQuerySchema = z.strictObject({
  from: dayParam.optional(),
  to: dayParam.optional(),
  limit: pageLimitParam(MAX_LIST_LIMIT).optional(),
  cursor: z.string().optional(),
  format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(", ")}` }).optional(),
});

export interface ListRequest {
  /** Which files: the JSON Lines export files (the default), the Parquet files or the aggregates. */
  format: ExportFormat;
  /** Inclusive yyyy-mm-dd bounds on the day folder a file was written to. */
  from: string | undefined;
  to: string | undefined;
  limit: number;
  /** List keys strictly after this one. */
  afterKey: string | undefined;
}

export function parseListQuery(url: URL, tenant: string): ListRequest {
  const { from, to, limit, cursor, format } = readQuery(
    url,
    listQuerySchema,
    "the parameters are from, to, limit, cursor and format",
  );
  if (from !== undefined && to !== undefined) requireFromNotAfterTo(from, to);
  return {
    format: format ?? "jsonl",
    from,
    to,
    limit: limit ?? DEFAULT_LIST_LIMIT,
    afterKey: cursor === undefined ? undefined : decodeCursor(cursor, tenant),
  };
}
