/**
 * The HyperLogLog sketches behind the distinct users and devices of the insights: estimates within the stated
 * error, merges that count the union, and a stored form that round-trips and refuses corrupt text.
 * @module
 */
import { describe, expect, it } from "vitest";
import {
  addToSketch,
  decodeSketch,
  emptySketch,
  encodeSketch,
  estimateDistinct,
  mergeSketchInto,
  SKETCH_REGISTERS,
  SKETCH_STANDARD_ERROR,
  type Sketch,
} from "../../src/core/insights/hyperloglog.js";

function sketchOf(ids: Iterable<string>): Sketch {
  const sketch = emptySketch();
  for (const id of ids) addToSketch(sketch, id);
  return sketch;
}

function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

describe("a HyperLogLog sketch", () => {
  it("has 2048 registers, so a standard error of 1.04 / sqrt(2048), about 2.3%", () => {
    expect(SKETCH_REGISTERS).toBe(2048);
    expect(SKETCH_STANDARD_ERROR).toBeCloseTo(0.023, 3);
  });

  it.each([10_000, 100_000])("estimates %i distinct ids within three standard errors", (count) => {
    const estimate = estimateDistinct(sketchOf(ids("user", count)));
    expect(Math.abs(estimate - count) / count).toBeLessThan(3 * SKETCH_STANDARD_ERROR);
  });

  it("is zero when empty, and within one of a handful of ids (two may share a register)", () => {
    expect(estimateDistinct(emptySketch())).toBe(0);
    expect(estimateDistinct(sketchOf(["a"]))).toBe(1);
    expect(Math.abs(estimateDistinct(sketchOf(ids("device", 20))) - 20)).toBeLessThanOrEqual(1);
  });

  it("counts an id once however often it is added", () => {
    const once = sketchOf(ids("user", 500));
    const thrice = sketchOf([...ids("user", 500), ...ids("user", 500), ...ids("user", 500)]);
    expect(encodeSketch(thrice)).toBe(encodeSketch(once));
  });

  it("merges into the sketch of the union: overlapping sets are not double counted", () => {
    const monday = sketchOf(ids("user", 6_000));
    const tuesday = sketchOf(ids("user", 10_000).slice(4_000));
    mergeSketchInto(monday, tuesday);
    expect(encodeSketch(monday)).toBe(encodeSketch(sketchOf(ids("user", 10_000))));
  });
});

/** A sketch with `filled` registers set, spread over the whole range, ranks 1..33 in turn. */
function sketchFilling(filled: number): Sketch {
  const sketch = emptySketch();
  for (let index = 0; index < filled; index++) {
    sketch[Math.floor((index * SKETCH_REGISTERS) / filled)] = (index % 33) + 1;
  }
  return sketch;
}

/** The dense text of a sketch as every row of before the sparse form holds it: '0' + rank per register. */
function denseText(sketch: Sketch): string {
  return String.fromCharCode(...Array.from(sketch, (rank) => 0x30 + rank));
}

describe("a sketch's stored form decodes to the same registers", () => {
  it.each([
    ["empty", emptySketch()],
    ["of one id", sketchOf(["a"])],
    ["of a few hundred ids", sketchOf(ids("user", 300))],
    ["of so many ids that every register is set", sketchOf(ids("user", 100_000))],
  ])("%s", (_, sketch) => {
    expect(decodeSketch(encodeSketch(sketch))).toEqual(sketch);
  });

  it("dense, as the rows written before the sparse form hold it, whatever it counts", () => {
    for (const sketch of [emptySketch(), sketchOf(["a"]), sketchOf(ids("user", 3_000))]) {
      expect(decodeSketch(denseText(sketch))).toEqual(sketch);
    }
  });
});

describe("a sketch is stored sparse only while that is shorter than one character per register", () => {
  it("a few ids take a marker and 3 characters per register they set", () => {
    expect(encodeSketch(emptySketch())).toBe("~");
    expect(encodeSketch(sketchOf(["a"]))).toMatch(/^~[\w-]{3}$/);
    const fewHundred = sketchOf(ids("user", 300));
    const setRegisters = fewHundred.filter((rank) => rank > 0).length;
    expect(encodeSketch(fewHundred)).toHaveLength(1 + 3 * setRegisters);
  });

  it("sparse up to 682 registers set (2,047 characters), dense from 683", () => {
    expect(encodeSketch(sketchFilling(682))).toMatch(/^~[\w-]{2046}$/);
    expect(encodeSketch(sketchFilling(683))).toMatch(/^[0-Q]{2048}$/);
  });

  it("a sketch of many ids is dense: one character per register, in rank order", () => {
    const sketch = sketchOf(ids("user", 3_000));
    expect(encodeSketch(sketch)).toBe(denseText(sketch));
  });
});

describe("sketches merge to the same registers and estimate whatever form they were stored in", () => {
  it("a sparse and a dense one, in either order", () => {
    const few = sketchOf(ids("user", 200));
    const many = sketchOf(ids("user", 20_000).slice(150));
    const union = sketchOf(ids("user", 20_000));
    expect(encodeSketch(few)).toMatch(/^~/);
    expect(encodeSketch(many)).toHaveLength(SKETCH_REGISTERS);
    for (const [first, second] of [
      [few, many],
      [many, few],
    ] as const) {
      const merged = decodeSketch(encodeSketch(first));
      mergeSketchInto(merged, decodeSketch(encodeSketch(second)));
      expect(merged).toEqual(union);
      expect(estimateDistinct(merged)).toBe(estimateDistinct(union));
    }
  });

  it("an old dense row of few ids and a new sparse one, as two dense rows did", () => {
    const monday = sketchOf(ids("user", 30));
    const tuesday = sketchOf(ids("user", 50).slice(20));
    expect(encodeSketch(tuesday)).toMatch(/^~/);
    const asBefore = decodeSketch(denseText(monday));
    mergeSketchInto(asBefore, decodeSketch(denseText(tuesday)));
    const mixed = decodeSketch(denseText(monday));
    mergeSketchInto(mixed, decodeSketch(encodeSketch(tuesday)));
    expect(mixed).toEqual(asBefore);
    expect(estimateDistinct(mixed)).toBe(estimateDistinct(sketchOf(ids("user", 50))));
  });
});

describe("stored text no encodeSketch could have written is refused", () => {
  it.each([
    ["dense of the wrong length", "0".repeat(SKETCH_REGISTERS - 1), /registers/],
    ["dense with impossible ranks", "z".repeat(SKETCH_REGISTERS), /rank/],
    ["empty", "", /registers/],
    ["sparse with a cut entry", "~AABAA", /entries/],
    ["sparse with more entries than dense would take", `~${"AAB".repeat(683)}`, /entries/],
    ["sparse with a character that is no digit", "~A=B", /no digit/],
    ["sparse with its marker inside", "~AAB~AB", /no digit/],
    ["sparse naming a register past the last", "~f_BgAB", /past the last/],
    ["sparse with a register twice", "~AABAAC", /not ascending/],
    ["sparse with registers descending", "~ABBAAB", /not ascending/],
    ["sparse with an empty register", "~AAA", /rank/],
    ["sparse with a rank above 33", "~AAi", /rank/],
  ])("%s", (_, text, reason) => {
    expect(() => decodeSketch(text)).toThrow(reason);
  });

  it("the highest register with the highest rank is no corruption", () => {
    const sketch = emptySketch();
    sketch[SKETCH_REGISTERS - 1] = 33;
    expect(encodeSketch(sketch)).toBe("~f_h");
    expect(decodeSketch("~f_h")).toEqual(sketch);
  });
});
