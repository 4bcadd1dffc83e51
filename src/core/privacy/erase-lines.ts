/**
 * Removes one user's lines from JSON Lines text and keeps every other line byte for byte: the lines are never
 * re-serialised, only dropped. A line is the user's when it parses to an object whose `userid` is the id
 * (a line that does not mention the id as a JSON string is kept without parsing it).
 * @module
 */

export interface ErasedLines {
  /** The text without the user's lines; "" when none is left. */
  text: string;
  /** The lines kept. */
  kept: number;
  removed: number;
}

export function eraseUserLines(text: string, userid: string, field = "userid"): ErasedLines {
  const needle = JSON.stringify(userid);
  const endsWithNewline = text.endsWith("\n");
  const lines = text.split("\n");
  if (endsWithNewline || text === "") lines.pop();
  const kept: string[] = [];
  let removed = 0;
  for (const line of lines) {
    if (line.includes(needle) && lineBelongsTo(line, field, userid)) removed++;
    else kept.push(line);
  }
  if (removed === 0) return { text, kept: kept.length, removed };
  const rest = kept.join("\n");
  return { text: kept.length > 0 && endsWithNewline ? `${rest}\n` : rest, kept: kept.length, removed };
}

function lineBelongsTo(line: string, field: string, userid: string): boolean {
  try {
    const record = JSON.parse(line) as unknown;
    return typeof record === "object" && record !== null && (record as Record<string, unknown>)[field] === userid;
  } catch {
    return false;
  }
}
