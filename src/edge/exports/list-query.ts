/**
 * Reads the query of GET /v1/exports (from, to, limit, cursor) into a listing request, or a 400 invalid_query
 * whose message names the parameter and what it must be.
 * @module
 */
import { z } from "zod";
import { CollectorError } from "../../core/foundation/errors.js";
import { isCalendarDay } from "../../core/exports/export-day.js";
import { decodeCursor } from "./list-cursor.js";

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

const day = z.string().refine(isCalendarDay, { error: "must be a date written YYYY-MM-DD (UTC)" });

const listQuerySchema = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, { error: `must be a whole number from 1 to ${MAX_LIST_LIMIT}` })
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= MAX_LIST_LIMIT, { error: `must be from 1 to ${MAX_LIST_LIMIT}` })
    .optional(),
  cursor: z.string().optional(),
});

export interface ListRequest {
  /** Inclusive yyyy-mm-dd bounds on the day folder a file was written to. */
  from: string | undefined;
  to: string | undefined;
  limit: number;
  /** List keys strictly after this one. */
  afterKey: string | undefined;
}

export function parseListQuery(url: URL, tenant: string): ListRequest {
  const raw: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name in raw) throw new CollectorError("invalid_query", `${name} is given more than once.`);
    raw[name] = value;
  }
  const result = listQuerySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue?.code === "unrecognized_keys") {
      const names = issue.keys.join(", ");
      throw new CollectorError(
        "invalid_query",
        `Unknown parameter ${names}; the parameters are from, to, limit and cursor.`,
      );
    }
    const name = String(issue?.path[0] ?? "query");
    const got = JSON.stringify(raw[name] ?? "").slice(0, 40);
    throw new CollectorError("invalid_query", `${name} ${issue?.message ?? "is not valid"}; got ${got}.`);
  }
  const { from, to, limit, cursor } = result.data;
  if (from !== undefined && to !== undefined && from > to) {
    throw new CollectorError("invalid_query", `from (${from}) is after to (${to}).`);
  }
  return {
    from,
    to,
    limit: limit ?? DEFAULT_LIST_LIMIT,
    afterKey: cursor === undefined ? undefined : decodeCursor(cursor, tenant),
  };
}
