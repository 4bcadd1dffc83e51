/**
 * Destination secrets sealed with AES-GCM: only the same key and the same destination open them.
 * @module
 */
import { describe, expect, it } from "vitest";
import { parseDestinationKey } from "../../src/core/foundation/config.js";
import { openSecret, sealSecret } from "../../src/core/delivery/secret-box.js";

const KEY = parseDestinationKey("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")!;
const OTHER_KEY = parseDestinationKey("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100")!;

describe("sealed secrets", () => {
  it("open with the key and destination they were sealed for", async () => {
    const sealed = await sealSecret(KEY, "wJalrXUtnFEMI/K7MDENG", "destination-1");
    expect(sealed).not.toContain("wJalrXUtnFEMI");
    expect(await openSecret(KEY, sealed, "destination-1")).toBe("wJalrXUtnFEMI/K7MDENG");
  });

  it("differ each time the same secret is sealed", async () => {
    expect(await sealSecret(KEY, "s", "d")).not.toBe(await sealSecret(KEY, "s", "d"));
  });

  it("do not open with another key, or on another destination's row", async () => {
    const sealed = await sealSecret(KEY, "secret", "destination-1");
    await expect(openSecret(OTHER_KEY, sealed, "destination-1")).rejects.toThrow();
    await expect(openSecret(KEY, sealed, "destination-2")).rejects.toThrow();
  });

  it("need DESTINATION_KEY as 64 hex digits", () => {
    expect(parseDestinationKey("")).toBeUndefined();
    expect(() => parseDestinationKey("too-short")).toThrow(/64 hex digits/);
  });
});
