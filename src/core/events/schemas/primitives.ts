/**
 * Field types shared by every Audiogum event schema, as the events document names them. Each error message
 * says what the field must be (or that it is missing), so a device developer can fix it from the response.
 * @module
 */
import { z } from "zod";

/** A zod error option that reports a missing field as missing and anything else as not matching `expectation`. */
export function expecting(expectation: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${expectation}`),
  };
}

/** "GUID without hyphens": 32 hexadecimal digits, either case. */
const GUID_EXPECTATION = "a GUID without hyphens (32 hexadecimal digits)";
export const guidWithoutHyphens = z
  .string(expecting(GUID_EXPECTATION))
  .regex(/^[0-9a-fA-F]{32}$/, { error: `must be ${GUID_EXPECTATION}` });

/** "Long": a whole number that fits in a JavaScript number without losing precision. */
export const long = z.int({
  error: (issue: { input?: unknown; code?: string }) => {
    if (issue.input === undefined) return "is required";
    if (issue.code === "too_big")
      return `must be at most ${Number.MAX_SAFE_INTEGER} (larger numbers lose precision in JSON)`;
    if (issue.code === "too_small") return `must be at least ${Number.MIN_SAFE_INTEGER}`;
    return "must be a whole number";
  },
});

/** A mandatory "String": present and not empty. */
export const requiredString = z.string(expecting("a string")).min(1, { error: "must not be empty" });

export const optionalString = z.string(expecting("a string")).optional();

/**
 * "Datetime": a full ISO-8601 date-time with seconds and an offset, any fraction of a second. The offset may be
 * Z or ±hh:mm as RFC 3339 writes it, or ±hhmm / ±hh as other ISO-8601 writers (Java's, for one) do.
 */
const ISO_DATE_TIME_WITH_OFFSET =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)$/;
const DATE_TIME_EXPECTATION = "an ISO-8601 date-time with a UTC offset, e.g. 2016-07-26T08:45:55.721+01:00";
/**
 * The date of a date-time that exists on the calendar: 30-day months end on the 30th, February on the 28th, or
 * the 29th in a leap year (divisible by 4; of the century years, only those divisible by 400). A regex rather
 * than a refinement, so that the generated fast path (scripts/generate-validator.ts) carries it over exactly.
 */
const CALENDAR_DATE_PREFIX =
  /^(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)[Tt]/;
export const isoDateTimeWithOffset = z
  .string(expecting(DATE_TIME_EXPECTATION))
  // abort: a string that is no date-time at all gets this one error, not also the calendar's.
  .regex(ISO_DATE_TIME_WITH_OFFSET, { error: `must be ${DATE_TIME_EXPECTATION}`, abort: true })
  .regex(CALENDAR_DATE_PREFIX, {
    error: "must be a real calendar date (a day the month has; February 29th only in a leap year)",
  });

/** "2-char country code", either case. */
const COUNTRY_EXPECTATION = "a two-letter country code";
export const countryCode = z
  .string(expecting(COUNTRY_EXPECTATION))
  .regex(/^[A-Za-z]{2}$/, { error: `must be ${COUNTRY_EXPECTATION}` });

/** An enum whose error names every allowed value. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expecting(`one of: ${values.join(", ")}`));
}

/** An object whose error says it must be an object; fields it does not list are kept verbatim. */
export function looseObject<T extends z.core.$ZodLooseShape>(shape: T, expectation = "an object") {
  return z.looseObject(shape, expecting(expectation));
}
