/**
 * Text every reader of an export can read: each string of an event, values and keys alike, declared fields or
 * not, must be well-formed UTF-16, with no lone surrogate (`"\ud800abc"` is valid JSON, but DuckDB and other
 * strict readers refuse the whole file that holds one, and every other device's events with it); and no key may
 * be `__proto__`, which JavaScript readers of the export (the dashboard, zod, a customer's merge) take for the
 * object's prototype rather than a field. Each such string rejects only its event, with its path.
 * @module
 */

/** A FieldError of validate-batch.ts (which imports this module, so the shape is restated, not imported). */
interface FieldError {
  path: string;
  code: string;
  message: string;
}

export const LONE_SURROGATE_CODE = "lone_surrogate";
export const RESERVED_KEY_CODE = "reserved_key";

const RESERVED_KEY = "__proto__";

/**
 * The problems of the event's text, or undefined when it has none. `json` is JSON.stringify(event), which writes
 * a lone surrogate as a `\udxxx` escape (and a pair as itself), so two native searches rule out nearly every
 * event without walking it (~45 ns an event in Node, under 1% of validateEvents; BENCHMARKS.md). A match may be
 * false (a device's text `\ud800` with its backslash, or `__proto__` as a value); the walk then finds nothing.
 */
export function eventTextErrors(event: unknown, json: string): FieldError[] | undefined {
  if (!json.includes("\\ud") && !json.includes(RESERVED_KEY)) return undefined;
  const errors: FieldError[] = [];
  collectTextErrors(event, [], errors);
  return errors.length === 0 ? undefined : errors;
}

function collectTextErrors(value: unknown, path: string[], errors: FieldError[]): void {
  if (typeof value === "string") {
    if (!value.isWellFormed()) errors.push(loneSurrogate(path, "the text"));
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) collectTextErrors(element, [...path, String(index)], errors);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    // The path names the key as the device can recognise it, and stays well-formed itself.
    const fieldPath = [...path, key.toWellFormed()];
    if (key === RESERVED_KEY) {
      errors.push({
        path: fieldPath.join("."),
        code: RESERVED_KEY_CODE,
        message: `${RESERVED_KEY} cannot be a field name: JavaScript readers take it for the object's prototype`,
      });
    } else if (!key.isWellFormed()) errors.push(loneSurrogate(fieldPath, "the field name"));
    collectTextErrors(field, fieldPath, errors);
  }
}

function loneSurrogate(path: readonly string[], what: string): FieldError {
  return {
    path: path.join("."),
    code: LONE_SURROGATE_CODE,
    message: `${what} holds a lone UTF-16 surrogate (one of U+D800 to U+DFFF without its pair); send well-formed Unicode`,
  };
}
