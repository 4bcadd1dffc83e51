import { describe, expect, it } from "vitest";
import { encodeJsonLines, jsonLinesPieces, parseJsonLines } from "../../src/core/exports/jsonl.js";

describe("JSON Lines", () => {
  it("writes one JSON value per line, every line newline-terminated", () => {
    expect(encodeJsonLines([{ a: 1 }, { b: "x\ny" }])).toBe('{"a":1}\n{"b":"x\\ny"}\n');
  });

  it("reads back what it wrote, text with line separators and emoji included", () => {
    const records = [{ text: "line\u2028separator", emoji: "🎧" }, { nested: { list: [1, 2] } }];
    expect(parseJsonLines(encodeJsonLines(records))).toEqual(records);
  });

  it("writes nothing for no records", () => {
    expect(encodeJsonLines([])).toBe("");
    expect([...jsonLinesPieces([])]).toEqual([]);
  });

  it("gives the same text in pieces of whole lines, each ending once it reaches the piece size", () => {
    const records = Array.from({ length: 1_000 }, (_, index) => ({ index, text: "é".repeat(index % 7) }));
    const pieces = [...jsonLinesPieces(records, 500)];
    expect(pieces.join("")).toBe(encodeJsonLines(records));
    expect(pieces.length).toBeGreaterThan(10);
    for (const piece of pieces) expect(piece.endsWith("\n")).toBe(true);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(500);
  });
});
