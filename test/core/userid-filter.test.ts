/**
 * The per-file userid filter (src/core/privacy/userid-filter.ts) and the line eraser: what an erasure relies on
 * to skip a file, and to keep every other line byte for byte.
 * @module
 */
import { describe, expect, it } from "vitest";
import { eraseUserLines } from "../../src/core/privacy/erase-lines.js";
import { buildUseridFilter, filterMayHold, filterTester } from "../../src/core/privacy/userid-filter.js";

const users = (count: number, label: string) => Array.from({ length: count }, (_, index) => `${label}-${index}`);

describe("the userid filter", () => {
  it("never misses a userid it was built from, and fits R2's custom metadata", () => {
    const members = users(500, "member");
    const filter = buildUseridFilter(members);
    expect(members.every((userid) => filterMayHold(filter, userid))).toBe(true);
    expect(filter.length).toBeLessThan(2048);
  });

  it("rules out almost every other userid for a file of a consumer batch's users", () => {
    const mayHold = filterTester(buildUseridFilter(users(100, "member")));
    const falsePositives = users(100_000, "stranger").filter(mayHold).length;
    expect(falsePositives).toBeLessThanOrEqual(2);
  });

  it("may hold anything when there is no filter or one it cannot read (the file is then read)", () => {
    expect(filterMayHold(undefined, "anyone")).toBe(true);
    expect(filterMayHold("bloom9:AAAA", "anyone")).toBe(true);
    expect(filterMayHold("bloom1:not base64!", "anyone")).toBe(true);
  });
});

describe("erasing a user's lines", () => {
  const line = (userid: string, extra = "") => `{"eventid":"e","userid":${JSON.stringify(userid)}${extra}}`;

  it("removes only the user's lines and keeps the others exactly", () => {
    const others = [line("a", ',"x":1.50'), line("b", ',"note":"u"'), line("c", ',"friend":"u"')];
    const text = `${others[0]}\n${line("u")}\n${others[1]}\n${line("u")}\n${others[2]}\n`;
    expect(eraseUserLines(text, "u")).toEqual({ text: `${others.join("\n")}\n`, kept: 3, removed: 2 });
  });

  it("leaves empty text when every line was the user's, and the text itself when none was", () => {
    expect(eraseUserLines(`${line("u")}\n${line("u")}\n`, "u")).toEqual({ text: "", kept: 0, removed: 2 });
    const untouched = `${line("a")}\n`;
    expect(eraseUserLines(untouched, "u").text).toBe(untouched);
  });

  it("matches the id exactly, escapes and all", () => {
    const tricky = 'u"\\\u00e9';
    const text = `${line(tricky)}\n${line("u")}\n`;
    expect(eraseUserLines(text, tricky)).toEqual({ text: `${line("u")}\n`, kept: 1, removed: 1 });
  });
});
