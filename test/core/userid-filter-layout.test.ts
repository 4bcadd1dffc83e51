/**
 * The userid filter's layout as docs/exports.md ("Object metadata") tells customers and operators to read it,
 * written here from that text alone: it must find the bits the export sets, so the documented recipe stays true.
 * @module
 */
import { describe, expect, it } from "vitest";
import { buildUseridFilter } from "../../src/core/privacy/userid-filter.js";

/** docs/exports.md: FNV-1a 32 of the UTF-8 bytes from an offset basis. */
function fnv1a32(bytes: Uint8Array, basis: number): bigint {
  let hash = BigInt(basis);
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x01000193n) % 2n ** 32n;
  return hash;
}

/** docs/exports.md: the 7 probes, bit ((h1 + k × h2) mod 2³²) mod 8192, h2 with its lowest bit set. */
function documentedBits(userid: string): number[] {
  const bytes = new TextEncoder().encode(userid);
  const h1 = fnv1a32(bytes, 0x811c9dc5);
  const h2 = fnv1a32(bytes, 0x050c5d1f) | 1n;
  return Array.from({ length: 7 }, (_, k) => Number(((h1 + BigInt(k) * h2) % 2n ** 32n) % 8192n));
}

function documentedFilterHolds(filter: string, userid: string): boolean {
  expect(filter.startsWith("bloom1:")).toBe(true);
  const bytes = Uint8Array.from(atob(filter.slice("bloom1:".length)), (char) => char.charCodeAt(0));
  expect(bytes.length).toBe(1024);
  return documentedBits(userid).every((bit) => (bytes[bit >> 3]! & (1 << (bit & 7))) !== 0);
}

describe("the userid filter, read as docs/exports.md describes it", () => {
  it("is bloom1: and 1,024 bytes of base64, 1,375 characters", () => {
    expect(buildUseridFilter(["a"]).length).toBe(1375);
  });

  it("holds every userid the file was built from, ASCII or not", () => {
    const members = ["5f71e09784354cfabd8253fe24d6b701", "user-1", "ünïcødé-ユーザー", "🎵"];
    const filter = buildUseridFilter(members);
    for (const userid of members) expect(documentedFilterHolds(filter, userid)).toBe(true);
  });

  it("sets exactly the documented bits and no others", () => {
    const filter = buildUseridFilter(["only-user"]);
    const bytes = Uint8Array.from(atob(filter.slice("bloom1:".length)), (char) => char.charCodeAt(0));
    const set = [...bytes.keys()].flatMap((index) =>
      [0, 1, 2, 3, 4, 5, 6, 7].filter((bit) => (bytes[index]! & (1 << bit)) !== 0).map((bit) => index * 8 + bit),
    );
    expect(set).toEqual([...new Set(documentedBits("only-user"))].sort((a, b) => a - b));
  });
});
