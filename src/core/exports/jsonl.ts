/**
 * JSON Lines (https://jsonlines.org/): one JSON value per line, every line newline-terminated.
 * @module
 */

export function encodeJsonLines(records: readonly unknown[]): string {
  return Array.from(jsonLinesPieces(records)).join("");
}

/** A piece holds whole lines and ends once it reaches this many UTF-16 units (64 KiB of ASCII). */
export const JSON_LINES_PIECE_CHARS = 64 * 1024;

/**
 * encodeJsonLines's text in pieces of whole lines, made as they are asked for: gzipText compresses a large file a
 * piece at a time instead of holding its whole text.
 */
export function* jsonLinesPieces(records: readonly unknown[], pieceChars = JSON_LINES_PIECE_CHARS): Generator<string> {
  let piece = "";
  for (const record of records) {
    piece += `${JSON.stringify(record)}\n`;
    if (piece.length >= pieceChars) {
      yield piece;
      piece = "";
    }
  }
  if (piece !== "") yield piece;
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
