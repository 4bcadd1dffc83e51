import { describe, expect, it } from "vitest";
import { gunzip, gzip } from "../../src/core/exports/gzip.js";

describe("gzip", () => {
  it("writes the gzip format (magic bytes 1f 8b)", async () => {
    const compressed = await gzip(new TextEncoder().encode("hello"));
    expect([...compressed.slice(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it("round-trips bytes, including an input larger than a stream's buffers", async () => {
    const large = new TextEncoder().encode("🎧 event line\n".repeat(200_000));
    const roundTripped = await gunzip(await gzip(large));
    // Digests, not toEqual: a deep comparison of megabytes byte by byte takes the test's whole timeout.
    expect(roundTripped.byteLength).toBe(large.byteLength);
    expect(await sha256(roundTripped)).toBe(await sha256(large));
  });
});

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
