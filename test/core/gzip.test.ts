import { describe, expect, it } from "vitest";
import { gunzip, gzip, gzipText } from "../../src/core/exports/gzip.js";

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

  it("compresses text given in pieces to the gzip of the whole text", async () => {
    const pieces = ["🎧 event line\n".repeat(50_000), "", '{"a":1}\n', "x".repeat(100_000)];
    const whole = new TextEncoder().encode(pieces.join(""));
    const roundTripped = await gunzip(await gzipText(pieces));
    expect(roundTripped.byteLength).toBe(whole.byteLength);
    expect(await sha256(roundTripped)).toBe(await sha256(whole));
  });
});

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
