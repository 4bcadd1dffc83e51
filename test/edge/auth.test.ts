import { env } from "cloudflare:test";
import { sign } from "hono/utils/jwt/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/core/foundation/config.js";
import { clearJwksCache } from "../../src/edge/auth/jwks-cache.js";
import { seedEvents } from "../../fixtures/seed-events.js";
import { envelope, postEvents } from "../support/ingest.js";
import { deviceClaims, signToken } from "../support/tokens.js";
import { callWorker, collectorRequest } from "../support/worker.js";

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

describe("token lifetime", () => {
  const DAY = 24 * 60 * 60;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it("refuses a token whose exp is more than MAX_TOKEN_TTL_SECONDS (30 days by default) ahead, saying why", async () => {
    const response = await postEvents(body, { claims: deviceClaims({ exp: nowSeconds() + 31 * DAY }) });
    await expectUnauthorized(response.clone());
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /at most 2592000 seconds \(MAX_TOKEN_TTL_SECONDS\)/,
    );
    expect((await postEvents(body, { claims: deviceClaims({ exp: nowSeconds() + 29 * DAY }) })).status).toBe(202);
  });

  it("takes the cap from MAX_TOKEN_TTL_SECONDS", async () => {
    const capped = { MAX_TOKEN_TTL_SECONDS: "7200" };
    expect((await postEvents(body, { claims: deviceClaims({ exp: nowSeconds() + 7000 }), env: capped })).status).toBe(
      202,
    );
    await expectUnauthorized(
      await postEvents(body, { claims: deviceClaims({ exp: nowSeconds() + 9000 }), env: capped }),
    );
  });

  it("refuses an exp near 1e308 on ingest, on the export routes and on the live view (which it broke)", async () => {
    const claims = deviceClaims({ exp: 1e308, scope: "events:write exports:read insights:read" });
    const token = await signToken(claims);
    await expectUnauthorized(await postEvents(body, { token }));
    await expectUnauthorized(
      await callWorker(collectorRequest("/v1/exports", { headers: { authorization: `Bearer ${token}` } })),
    );
    const live = await callWorker(
      collectorRequest("/v1/live", {
        headers: { upgrade: "websocket", "sec-websocket-protocol": `audiogum-live, bearer.${token}` },
      }),
    );
    await expectUnauthorized(live);
  });
});

describe("HS256 beside JWKS_URL (ALLOW_HS256)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    clearJwksCache();
  });

  const JWKS = { JWKS_URL: "https://id.example/jwks" };

  it("accepts HS256 without JWKS_URL", async () => {
    expect((await postEvents(body)).status).toBe(202);
  });

  it("refuses HS256 once JWKS_URL is set, though JWT_SECRET still is, without fetching the key set", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const response = await postEvents(body, { env: JWKS });
    await expectUnauthorized(response.clone());
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/HS256/);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('accepts HS256 beside JWKS_URL when ALLOW_HS256 is "true"', async () => {
    expect((await postEvents(body, { env: { ...JWKS, ALLOW_HS256: "true" } })).status).toBe(202);
  });

  it('refuses HS256 when ALLOW_HS256 is "false"', async () => {
    await expectUnauthorized(await postEvents(body, { env: { ...JWKS, ALLOW_HS256: "false" } }));
  });

  it('refuses a configuration that could verify no token (ALLOW_HS256 "false" without JWKS_URL)', () => {
    expect(() => parseConfig({ ALLOW_HS256: "false" })).toThrow(/no token could be verified/);
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

  async function es256Token(privateKey: CryptoKey, kid: string): Promise<string> {
    const privateJwk = { ...(await exportPrivate(privateKey)), kid, alg: "ES256" };
    return sign(deviceClaims() as Parameters<typeof sign>[0], privateJwk, "ES256");
  }

  const jwksEnv = { JWKS_URL: "https://id.example/jwks" };

  it("backs off after the key endpoint fails with nothing cached: 20 requests, one fetch, each a 503", async () => {
    const { privateKey } = await keyPair("key-1");
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => new Response("down", { status: 500 }));
    const token = await es256Token(privateKey, "key-1");
    for (let request = 0; request < 20; request++) {
      const response = await postEvents(body, { token, env: jwksEnv });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("shares one fetch between concurrent requests", async () => {
    const { privateKey, publicJwk } = await keyPair("key-1");
    const fetchSpy = serveJwks([publicJwk]);
    const token = await es256Token(privateKey, "key-1");
    const responses = await Promise.all(Array.from({ length: 20 }, () => postEvents(body, { token, env: jwksEnv })));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(202));
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  /** A key endpoint that is up or down as the test says, and a fresh ES256 token posted with a mocked clock. */
  async function flakyKeyEndpoint(up: boolean) {
    const { privateKey, publicJwk } = await keyPair("key-1");
    const state = { up };
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () =>
        state.up ? Response.json({ keys: [publicJwk] }) : new Response("", { status: 503 }),
      );
    const post = async () =>
      (await postEvents(body, { token: await es256Token(privateKey, "key-1"), env: jwksEnv })).status;
    return { state, fetchSpy, post };
  }

  describe("with a mocked clock", () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ["Date"] }));
    afterEach(() => vi.useRealTimers());

    it("fetches again once the backoff has passed, and then accepts the tokens", async () => {
      const endpoint = await flakyKeyEndpoint(false);
      expect(await endpoint.post()).toBe(503);
      endpoint.state.up = true;
      expect(await endpoint.post()).toBe(503);
      expect(endpoint.fetchSpy).toHaveBeenCalledTimes(1);
      vi.setSystemTime(Date.now() + 6_000);
      expect(await endpoint.post()).toBe(202);
      expect(endpoint.fetchSpy).toHaveBeenCalledTimes(2);
    });

    it("keeps serving cached keys while a refresh fails, without a fetch per request", async () => {
      const endpoint = await flakyKeyEndpoint(true);
      expect(await endpoint.post()).toBe(202);
      endpoint.state.up = false;
      vi.setSystemTime(Date.now() + 601_000);
      for (let request = 0; request < 10; request++) expect(await endpoint.post()).toBe(202);
      expect(endpoint.fetchSpy).toHaveBeenCalledTimes(2);
    });
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
