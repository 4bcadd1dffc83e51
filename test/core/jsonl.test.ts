import { describe, expect, it } from "vitest";
import { encodeJsonLines, parseJsonLines } from "../../src/core/exports/jsonl.js";

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
  });
});
