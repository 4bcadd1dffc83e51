/**
 * The isolate's cache of verified tokens: a token is trusted again only with the settings that verified it,
 * never past its exp or five minutes, and the cache stays bounded.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuthConfig } from "../../src/core/foundation/config.js";
import { rememberVerified, verifiedBefore } from "../../src/edge/auth/verified-token-cache.js";

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function authSettings(): AuthConfig {
  return {
    hmacSecrets: ["a-secret"],
    jwksUrl: undefined,
    jwksCacheSeconds: 300,
    issuer: undefined,
    audience: undefined,
    maxTokenTtlSeconds: 86_400,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a verified token is trusted again only while it is valid, with the same settings", () => {
  it("answers the payload until the token's exp, then forgets it", () => {
    const auth = authSettings();
    const payload = { sub: "u", exp: NOW / 1000 + 60 };
    rememberVerified("token-a", auth, payload);
    expect(verifiedBefore("token-a", auth)).toBe(payload);
    vi.setSystemTime(NOW + 59_999);
    expect(verifiedBefore("token-a", auth)).toBe(payload);
    vi.setSystemTime(NOW + 60_000);
    expect(verifiedBefore("token-a", auth)).toBeUndefined();
  });

  it("verifies a long-lived token again after five minutes", () => {
    const auth = authSettings();
    rememberVerified("token-b", auth, { exp: NOW / 1000 + 3600 });
    vi.setSystemTime(NOW + 5 * 60_000);
    expect(verifiedBefore("token-b", auth)).toBeUndefined();
  });

  it("knows nothing of tokens verified with other settings (another env, another secret)", () => {
    rememberVerified("token-c", authSettings(), { exp: NOW / 1000 + 60 });
    expect(verifiedBefore("token-c", authSettings())).toBeUndefined();
  });

  it("keeps at most 10,000 tokens, dropping the oldest first", () => {
    const auth = authSettings();
    for (let index = 0; index <= 10_000; index++) rememberVerified(`token-${index}`, auth, { exp: NOW / 1000 + 60 });
    expect(verifiedBefore("token-0", auth)).toBeUndefined();
    expect(verifiedBefore("token-1", auth)).toBeDefined();
    expect(verifiedBefore("token-10000", auth)).toBeDefined();
  });
});
