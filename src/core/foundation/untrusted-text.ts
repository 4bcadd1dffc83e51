/**
 * How the collector repeats text it was sent (a device's event type, a field name, a query value, a header) in an
 * error message or a log line: bounded, and in printable ASCII only, every other character written as a \uXXXX
 * escape. A quote then cannot make a line long, break it, carry a lone surrogate, or reorder what a reader of
 * the log sees (bidi controls), whatever the device sent.
 * @module
 */

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;
const CUT_MARK = "...";

/** `text` with every character outside printable ASCII escaped, cut to at most `maxLength` characters. */
export function printableAscii(text: string, maxLength: number): string {
  // Escaping at most grows a character sixfold: escape only the part that can be shown.
  const escaped = text.slice(0, maxLength).replace(NOT_PRINTABLE_ASCII, escapeUnit);
  if (escaped.length <= maxLength && text.length <= maxLength) return escaped;
  return `${escaped.slice(0, Math.max(0, maxLength - CUT_MARK.length))}${CUT_MARK}`;
}

/** `value` as JSON (a string in quotes), in printable ASCII, at most `maxLength` characters. */
export function quoteUntrusted(value: unknown, maxLength = 64): string {
  // One character more than fits is enough to tell printableAscii the quote was cut.
  const bounded = typeof value === "string" ? value.slice(0, maxLength + 1) : value;
  return printableAscii(JSON.stringify(bounded) ?? String(bounded), maxLength);
}

function escapeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
