import { describe, expect, it } from "vitest";
import { dailyAggregatesKey, monthlyAggregatesKey, parquetKey } from "../../src/core/exports/export-key.js";
import { planDayParts } from "../../src/core/parquet/day-parts.js";
import { formatOfTenantKey } from "../../src/edge/exports/requested-key.js";

const file = (key: string, events: number) => ({ key, events });

describe("planDayParts", () => {
  it("cuts the day's files, in key order and whole, into parts of at most the limit", () => {
    const parts = planDayParts([file("c", 40), file("a", 60), file("b", 50), file("d", 10)], 100);
    expect(parts.map((part) => [part.index, part.files.map((f) => f.key), part.events])).toEqual([
      [0, ["a"], 60],
      [1, ["b", "c", "d"], 100],
    ]);
  });

  it("gives a file over the limit a part of its own, and a day without files no part", () => {
    expect(planDayParts([file("a", 5), file("b", 500), file("c", 5)], 100).map((part) => part.events)).toEqual([
      5, 500, 5,
    ]);
    expect(planDayParts([], 100)).toEqual([]);
  });
});

describe("the keys of what closed days add", () => {
  it("names Parquet and aggregates files by the issue's convention, and the pull API knows them", () => {
    expect(parquetKey("acme", "2024-03-18", 2)).toBe("acme/parquet/2024/2024-03/2024-03-18/2024-03-18_002.parquet");
    expect(dailyAggregatesKey("acme", "2024-03-18")).toBe("acme/aggregates/2024/2024-03/2024-03-18.json");
    expect(monthlyAggregatesKey("acme", "2024-03")).toBe("acme/aggregates/2024/2024-03.json");
    expect(formatOfTenantKey(parquetKey("acme", "2024-03-18", 2), "acme")).toBe("parquet");
    expect(formatOfTenantKey(dailyAggregatesKey("acme", "2024-03-18"), "acme")).toBe("aggregates");
    expect(formatOfTenantKey(monthlyAggregatesKey("acme", "2024-03"), "acme")).toBe("aggregates");
    expect(formatOfTenantKey(parquetKey("acme", "2024-03-18", 2), "other")).toBeUndefined();
    expect(formatOfTenantKey("acme/parquet/2024/2024-04/2024-03-18/2024-03-18_002.parquet", "acme")).toBeUndefined();
    expect(formatOfTenantKey("acme/aggregates/2024/2024-03/2024-04-18.json", "acme")).toBeUndefined();
  });
});
