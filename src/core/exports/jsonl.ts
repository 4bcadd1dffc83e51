/**
 * JSON Lines (https://jsonlines.org/): one JSON value per line, every line newline-terminated.
 * @module
 */

export function encodeJsonLines(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

/** Reads JSON Lines text back; a blank last line (the final newline) is not a record. */
export function parseJsonLines(text: string): unknown[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new Error(`line ${index + 1} is not JSON`, { cause: error });
    }
  });
}
