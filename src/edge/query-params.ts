/**
 * Reads a request's query string with a zod schema: each parameter given at most once, and anything wrong a 400
 * invalid_query whose message names the parameter, what it must be and what was given. Also the parameters that
 * several routes take (a day, a page limit) and their one rule across parameters (from not after to).
 * @module
 */
import { z } from "zod";
import { isCalendarDay } from "../core/exports/export-day.js";
import { CollectorError } from "../core/foundation/errors.js";

export const dayParam = z.string().refine(isCalendarDay, { error: "must be a date written YYYY-MM-DD (UTC)" });

/** A page size: a whole number from 1 to `max`. */
export function pageLimitParam(max: number) {
  const digits = new RegExp(`^\\d{1,${String(max).length}}$`);
  return z
    .string()
    .regex(digits, { error: `must be a whole number from 1 to ${max}` })
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= max, { error: `must be from 1 to ${max}` });
}

/**
 * The query of `url` as the schema reads it. `help` ends the message for an unknown parameter (a strict schema's
 * only), e.g. "see docs/insights.md".
 */
export function readQuery<T extends z.ZodType>(url: URL, schema: T, help?: string): z.output<T> {
  const raw: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name in raw) throw new CollectorError("invalid_query", `${name} is given more than once.`);
    raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    const names = issue.keys.join(", ");
    throw new CollectorError("invalid_query", `Unknown parameter ${names}${help ? `; ${help}` : ""}.`);
  }
  const name = String(issue?.path[0] ?? "query");
  const got = JSON.stringify(raw[name] ?? "").slice(0, 40);
  throw new CollectorError("invalid_query", `${name} ${issue?.message ?? "is not valid"}; got ${got}.`);
}

/** Days (yyyy-mm-dd) and months (yyyy-mm) compare as text. */
export function requireFromNotAfterTo(from: string, to: string): void {
  if (from > to) throw new CollectorError("invalid_query", `from (${from}) is after to (${to}).`);
}
