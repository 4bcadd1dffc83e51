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

  it("is stored as one character per register that decodes to the same sketch", () => {
    const sketch = sketchOf(ids("user", 3_000));
    const text = encodeSketch(sketch);
    expect(text).toHaveLength(SKETCH_REGISTERS);
    expect(text).toMatch(/^[0-Q]+$/);
    expect(decodeSketch(text)).toEqual(sketch);
  });

  it("refuses stored text of the wrong length or with impossible ranks", () => {
    expect(() => decodeSketch("0".repeat(SKETCH_REGISTERS - 1))).toThrow(/registers/);
    expect(() => decodeSketch("~".repeat(SKETCH_REGISTERS))).toThrow(/rank/);
  });
});
