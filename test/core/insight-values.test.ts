/**
 * Dimension values are the devices' own text: the summaries count any of them, even one named like a member of
 * Object.prototype, as a plain string, and a long value is cut without halving a character.
 * @module
 */
import { describe, expect, it } from "vitest";
import { cutToLength } from "../../src/core/foundation/cut-text.js";
import { COUNT_DIMENSIONS, insightFactsOf } from "../../src/core/insights/insight-dimensions.js";
import { buildSummary, type CountRow } from "../../src/core/insights/insight-summary.js";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";

describe("a summary counts values named like Object.prototype's members as plain strings", () => {
  it("in every dimension, per period and over the range, as own keys that survive JSON", () => {
    const counts: CountRow[] = COUNT_DIMENSIONS.flatMap((dimension) =>
      PROTOTYPE_NAMES.flatMap((value) => [
        { period: "2026-01-01", dimension, value, count: 2 },
        { period: "2026-01-02", dimension, value, count: 3 },
      ]),
    );
    const summary = buildSummary({ view: "daily", periods: ["2026-01-01", "2026-01-02"], counts, sketches: [] });
    const expected = Object.fromEntries(PROTOTYPE_NAMES.map((name) => [name, 5]));
    // Read back as a client would: JSON.parse makes every key, __proto__ too, an own property.
    const parsed = JSON.parse(JSON.stringify(summary)) as typeof summary;
    for (const dimension of COUNT_DIMENSIONS) {
      expect(Object.keys(parsed.totals.by[dimension]).sort()).toEqual([...PROTOTYPE_NAMES].sort());
      for (const name of PROTOTYPE_NAMES)
        expect(Object.getOwnPropertyDescriptor(parsed.totals.by[dimension], name)?.value).toBe(expected[name]);
      expect(parsed.periods[0]!.by[dimension].constructor).toBe(2);
    }
    expect(parsed.totals.events).toBe(5 * PROTOTYPE_NAMES.length);
  });

  it("leaves nothing on Object.prototype", () => {
    const counts: CountRow[] = [{ period: "p", dimension: "platform", value: "__proto__", count: 1 }];
    buildSummary({ view: "daily", periods: ["p"], counts, sketches: [] });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect(({} as Record<string, unknown>).platform).toBeUndefined();
  });
});

describe("a long dimension value is cut at a whole code point", () => {
  it("keeps 64 UTF-16 units when the cut falls between characters", () => {
    expect(cutToLength("a".repeat(70), 64)).toBe("a".repeat(64));
    expect(cutToLength("short", 64)).toBe("short");
  });

  it("leaves out an emoji the 64th unit would halve, rather than keep half of it", () => {
    const value = `${"a".repeat(63)}😀tail`;
    expect(cutToLength(value, 64)).toBe("a".repeat(63));
    expect(cutToLength(`${"a".repeat(62)}😀tail`, 64)).toBe(`${"a".repeat(62)}😀`);
  });

  it("in the rollup facts of an event: every value is well-formed", () => {
    const platform = "😀".repeat(40);
    const facts = insightFactsOf({ type: "navigationevent", receivedat: "2026-01-01T00:00:00.000Z", platform });
    const value = facts.values.find(([dimension]) => dimension === "platform")?.[1] ?? "";
    expect(value).toBe("😀".repeat(32));
    expect(value.isWellFormed()).toBe(true);
  });
});
