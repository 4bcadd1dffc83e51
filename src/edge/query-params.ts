/**
 * Reads a request's query string with a zod schema: each parameter given at most once, and anything wrong a 400
 * invalid_query whose message names the parameter, what it must be and what was given. Also the parameters that
 * several routes take (a day, a page limit, a summary's time axis) and their one rule across parameters (from not after to).
 * @module
 */
import { z } from "zod";
import { isCalendarDay } from "../core/exports/export-day.js";
import { ROLLUP_AXES } from "../core/insights/insight-rollup.js";
import { CollectorError } from "../core/foundation/errors.js";
import { printableAscii, quoteUntrusted } from "../core/foundation/untrusted-text.js";

export const dayParam = z.string().refine(isCalendarDay, { error: "must be a date written YYYY-MM-DD (UTC)" });

/**
 * An instant written ISO-8601 with a time zone (`2026-11-30T12:00:00Z`, `…+01:00`, fractions allowed), or empty
 * for none. Only this form, and only real days and times: `new Date` alone takes "1", "0x10", "Tuesday" and
 * February 30.
 */
export const instantParam = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))?$/, {
    error: "must be an ISO-8601 date-time with a time zone, e.g. 2026-11-30T12:00:00Z",
  })
  .refine((text) => text === "" || isCalendarDay(text.slice(0, 10)), { error: "is not a real date-time" });

/** `time=received` (the collector's clock, the default) or `time=event` (when the event happened): the summaries' axis. */
export const timeAxisParam = z.enum(ROLLUP_AXES, { error: `must be ${ROLLUP_AXES.join(" or ")}` }).default("received");

/** A page size: a whole number from 1 to `max`, in plain decimal digits (not 0x10, 1e3, +10 or " 10"). */
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
 * only), e.g. "see docs/insights.md". Names are the caller's (`constructor`, `__proto__`, …), so they are
 * collected into an object without a prototype: no name is "given" before the caller gave it, and each is repeated
 * back bounded.
 */
export function readQuery<T extends z.ZodType>(url: URL, schema: T, help?: string): z.output<T> {
  const raw = Object.create(null) as Record<string, string>;
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(raw, name)) {
      throw new CollectorError("invalid_query", `${printableAscii(name, 40)} is given more than once.`);
    }
    raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    const names = issue.keys.map((key) => printableAscii(key, 40)).join(", ");
    throw new CollectorError(
      "invalid_query",
      `Unknown parameter ${printableAscii(names, 200)}${help ? `; ${help}` : ""}.`,
    );
  }
  const name = String(issue?.path[0] ?? "query");
  if (!Object.hasOwn(raw, name)) throw new CollectorError("invalid_query", `${name} is required.`);
  throw new CollectorError(
    "invalid_query",
    `${name} ${issue?.message ?? "is not valid"}; got ${quoteUntrusted(raw[name], 40)}.`,
  );
}

/** Days (yyyy-mm-dd) and months (yyyy-mm) compare as text. */
export function requireFromNotAfterTo(from: string, to: string): void {
  if (from > to) throw new CollectorError("invalid_query", `from (${from}) is after to (${to}).`);
}
