/**
 * How a client's text is repeated in an error message or a log line: bounded, printable ASCII only.
 * @module
 */
import { describe, expect, it } from "vitest";
import { printableAscii, quoteUntrusted } from "../../src/core/foundation/untrusted-text.js";

describe("printableAscii", () => {
  it("keeps printable ASCII as it is", () => {
    expect(printableAscii("GET /v1/events?x=1", 100)).toBe("GET /v1/events?x=1");
  });

  it("escapes line breaks, control characters, bidi controls, lone surrogates and everything non-ASCII", () => {
    expect(printableAscii("a\nb\u0000c\u202ed\ud800é😀", 100)).toBe(
      "a\\u000ab\\u0000c\\u202ed\\ud800\\u00e9\\ud83d\\ude00",
    );
  });

  it("cuts to the bound, marking the cut, however much escaping grows the text", () => {
    expect(printableAscii("x".repeat(1000), 20)).toBe(`${"x".repeat(17)}...`);
    const escaped = printableAscii("\u202e".repeat(1000), 20);
    expect(escaped).toHaveLength(20);
    expect(escaped.endsWith("...")).toBe(true);
  });
});

describe("quoteUntrusted", () => {
  it("quotes a string as JSON and anything else as its JSON", () => {
    expect(quoteUntrusted("clickevent")).toBe('"clickevent"');
    expect(quoteUntrusted(42)).toBe("42");
    expect(quoteUntrusted({ a: [1] })).toBe('{"a":[1]}');
    expect(quoteUntrusted(undefined)).toBe("undefined");
  });

  it("bounds a long string without stringifying all of it", () => {
    const quoted = quoteUntrusted("y".repeat(1_000_000), 64);
    expect(quoted).toHaveLength(64);
    expect(quoted).toMatch(/^"y+\.\.\.$/);
  });
});
