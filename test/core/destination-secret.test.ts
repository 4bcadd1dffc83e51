/**
 * A destination's sealed secret opens only for the destination and the endpoint, bucket or container it was
 * sealed for; secrets sealed before that binding (bound to the id alone) still open, reported as legacy.
 * @module
 */
import { describe, expect, it } from "vitest";
import type { DestinationSettings } from "../../src/core/delivery/destination.js";
import { openDestinationSecret, sealDestinationSecret } from "../../src/core/delivery/destination-secret.js";
import { sealSecret } from "../../src/core/delivery/secret-box.js";
import { parseDestinationKey } from "../../src/core/foundation/config.js";

const KEY = parseDestinationKey("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")!;
const SECRET = "wJalrXUtnFEMI/K7MDENG";

const S3: DestinationSettings = {
  kind: "s3",
  bucket: "landing",
  region: "eu-west-1",
  endpoint: "https://s3.acme.example",
  prefix: "audiogum",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
};
const AZURE: DestinationSettings = {
  kind: "azure",
  containerUrl: "https://acme.blob.core.windows.net/exports",
  auth: "shared_key",
  prefix: "",
};

async function opens(sealedFor: DestinationSettings, openedWith: DestinationSettings, id = "d-1", openId = id) {
  const sealed = await sealDestinationSecret(KEY, id, sealedFor, SECRET);
  return openDestinationSecret(KEY, openId, openedWith, sealed).then(
    (opened) => opened.secret,
    (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
  );
}

describe("a destination's sealed secret", () => {
  it("opens for the destination and settings it was sealed for", async () => {
    const sealed = await sealDestinationSecret(KEY, "d-1", S3, SECRET);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("wJalr");
    expect(await openDestinationSecret(KEY, "d-1", S3, sealed)).toEqual({ secret: SECRET, legacy: false });
    expect(await opens(AZURE, AZURE)).toBe(SECRET);
  });

  it.each([
    ["another endpoint", { ...S3, endpoint: "https://collector-of-secrets.example" }],
    ["no endpoint (AWS itself)", { ...S3, endpoint: undefined }],
    ["another bucket", { ...S3, bucket: "elsewhere" }],
    ["another region", { ...S3, region: "us-east-1" }],
  ])("does not open once the row has %s", async (_, changed) => {
    expect(await opens(S3, changed as DestinationSettings)).toMatch(
      /^invalid_destination: secret: the sealed secret does not open for this destination's endpoint and bucket/,
    );
  });

  it.each([
    ["another container URL", { ...AZURE, containerUrl: "https://evil.blob.core.windows.net/exports" }],
    ["another account", { ...AZURE, accountName: "evil" }],
    ["SAS instead of shared key auth", { ...AZURE, auth: "sas" }],
  ])("does not open once an Azure row has %s", async (_, changed) => {
    expect(await opens(AZURE, changed as DestinationSettings)).toMatch(/^invalid_destination: secret:/);
  });

  it("does not open on another destination's row, nor for a row of the other kind", async () => {
    expect(await opens(S3, S3, "d-1", "d-2")).toMatch(/^invalid_destination/);
    expect(await opens(S3, AZURE)).toMatch(/^invalid_destination/);
  });

  it("sealed before the binding (id only, no version) still opens, reported as legacy", async () => {
    const legacy = await sealSecret(KEY, SECRET, "d-1");
    expect(await openDestinationSecret(KEY, "d-1", S3, legacy)).toEqual({ secret: SECRET, legacy: true });
    await expect(openDestinationSecret(KEY, "d-2", S3, legacy)).rejects.toMatchObject({ code: "invalid_destination" });
  });

  it("does not open as legacy once its version prefix is stripped", async () => {
    const sealed = await sealDestinationSecret(KEY, "d-1", S3, SECRET);
    await expect(openDestinationSecret(KEY, "d-1", S3, sealed.slice(3))).rejects.toMatchObject({
      code: "invalid_destination",
    });
  });
});
