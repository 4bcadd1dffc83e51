import { env } from "cloudflare:test";
import { sign } from "hono/utils/jwt/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearJwksCache } from "../../src/edge/auth/jwks-cache.js";
import { seedEvents } from "../../fixtures/seed-events.js";
import { envelope, postEvents } from "../support/ingest.js";
import { deviceClaims, signToken } from "../support/tokens.js";

const body = envelope(seedEvents().slice(0, 1));

async function expectUnauthorized(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  const error = ((await response.json()) as { error: { code: string; message: string } }).error;
  expect(error.code).toBe("unauthorized");
  expect(error.message.length).toBeGreaterThan(0);
}

describe("bearer tokens", () => {
  it("rejects a request without a token with 401 and a Bearer challenge", async () => {
    await expectUnauthorized(await postEvents(body, { token: null }));
  });

  it("rejects a malformed token", async () => {
    await expectUnauthorized(await postEvents(body, { token: "not.a.jwt" }));
  });

  it("rejects an Authorization header that is not Bearer", async () => {
    const response = await postEvents(body, { token: null, headers: { authorization: "Basic dXNlcjpwYXNz" } });
    await expectUnauthorized(response);
  });

  it("rejects a token signed with another secret", async () => {
    await expectUnauthorized(await postEvents(body, { token: await signToken(deviceClaims(), "some-other-secret") }));
  });

  it("rejects an expired token", async () => {
    const expired = deviceClaims({ exp: Math.floor(Date.now() / 1000) - 60 });
    const response = await postEvents(body, { claims: expired });
    await expectUnauthorized(response.clone());
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it("tells a token whose exp is not a number so, instead of calling it expired", async () => {
    const response = await postEvents(body, { claims: deviceClaims({ exp: "2099-01-01" }) });
    await expectUnauthorized(response.clone());
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /exp claim must be a number/,
    );
  });

  it("rejects a token without exp: tokens must expire", async () => {
    await expectUnauthorized(await postEvents(body, { claims: deviceClaims({ exp: undefined }) }));
  });

  it.each([
    ["missing", undefined],
    ["upper case", "Acme"],
    ["a path", "../acme"],
    ["too long", "a".repeat(64)],
  ])("rejects a tenant claim that is %s", async (_, tenant) => {
    await expectUnauthorized(await postEvents(body, { claims: deviceClaims({ tenant }) }));
  });

  it("rejects a token without sub (the user id)", async () => {
    await expectUnauthorized(await postEvents(body, { claims: deviceClaims({ sub: undefined }) }));
  });

  it("answers 403 to a valid token without events:write", async () => {
    const response = await postEvents(body, { claims: deviceClaims({ scope: "exports:read" }) });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("insufficient_scope");
  });

  it("accepts a token signed with the previous secret during a rotation", async () => {
    const token = await signToken(deviceClaims(), "the-previous-secret");
    const response = await postEvents(body, { token, env: { JWT_SECRET_PREVIOUS: "the-previous-secret" } });
    expect(response.status).toBe(202);
  });

  it("checks iss and aud when they are configured", async () => {
    const configured = { JWT_ISSUER: "https://id.example", JWT_AUDIENCE: "collector" };
    const right = deviceClaims({ iss: "https://id.example", aud: "collector" });
    expect((await postEvents(body, { claims: right, env: configured })).status).toBe(202);
    await expectUnauthorized(
      await postEvents(body, { claims: { ...right, iss: "https://evil.example" }, env: configured }),
    );
    await expectUnauthorized(await postEvents(body, { claims: { ...right, aud: "someone-else" }, env: configured }));
    await expectUnauthorized(await postEvents(body, { claims: deviceClaims(), env: configured }));
  });
});

describe("tokens signed with keys from JWKS_URL", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    clearJwksCache();
  });

  async function keyPair(kid: string) {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
    return { privateKey: pair.privateKey, publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" } };
  }

  function serveJwks(keys: unknown[]) {
    return vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ keys }));
  }

  it("rejects an ES256 token whose key is not in the set", async () => {
    const signer = await keyPair("key-1");
    const other = await keyPair("key-2");
    serveJwks([other.publicJwk]);
    const token = await sign(
      deviceClaims() as Parameters<typeof sign>[0],
      { ...(await exportPrivate(signer.privateKey)), kid: "key-2", alg: "ES256" },
      "ES256",
    );
    await expectUnauthorized(await postEvents(body, { token, env: { JWKS_URL: "https://id.example/jwks" } }));
  });

  it("accepts an ES256 token signed with a key of the set, fetching the set once", async () => {
    const { privateKey, publicJwk } = await keyPair("key-1");
    const fetchSpy = serveJwks([publicJwk]);
    const privateJwk = { ...(await exportPrivate(privateKey)), kid: "key-1", alg: "ES256" };
    const jwksEnv = { JWKS_URL: "https://id.example/jwks" };
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = await sign(deviceClaims() as Parameters<typeof sign>[0], privateJwk, "ES256");
      expect((await postEvents(body, { token, env: jwksEnv })).status).toBe(202);
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("rejects HS256 tokens when only JWKS is configured and no secret is set", async () => {
    const token = await signToken(deviceClaims(), env.JWT_SECRET);
    await expectUnauthorized(
      await postEvents(body, { token, env: { JWKS_URL: "https://id.example/jwks", JWT_SECRET: "" } }),
    );
  });
});

async function exportPrivate(key: CryptoKey): Promise<JsonWebKey> {
  return (await crypto.subtle.exportKey("jwk", key)) as JsonWebKey;
}
