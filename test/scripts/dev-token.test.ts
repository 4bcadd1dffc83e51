/**
 * The tokens `npm run token` and `npm run demo` mint are the tokens the edge accepts, and .dev.vars parsing reads
 * what wrangler reads: if either drifts from src/edge/auth/verify-token.ts, local development breaks before anyone notices.
 * @module
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/foundation/config.js";
import { authenticate } from "../../src/edge/auth/verify-token.js";
import { fillMissingSecrets, parseDevVars } from "../../scripts/lib/dev-secrets.js";
import { signToken, tokenClaims } from "../../scripts/lib/mint-token.js";

const SECRET = "a-local-dev-secret";
const auth = parseConfig({ JWT_SECRET: SECRET }).auth;
const request = {
  tenant: "demo",
  userid: "u1",
  deviceid: "d1",
  scopes: ["events:write", "exports:read"],
  ttlSeconds: 60,
};

describe("dev tokens", () => {
  it("are accepted by the edge as the tenant, user, device and scopes they were minted for", async () => {
    const principal = await authenticate(`Bearer ${await signToken(request, SECRET)}`, auth);
    expect(principal.tenant).toBe("demo");
    expect(principal.userid).toBe("u1");
    expect(principal.deviceid).toBe("d1");
    expect([...principal.scopes]).toEqual(["events:write", "exports:read"]);
  });

  it("expire after their ttl", () => {
    const claims = tokenClaims(request, 1_000);
    expect(claims.iat).toBe(1_000);
    expect(claims.exp).toBe(1_060);
  });

  it("signed with another secret are refused", async () => {
    const token = await signToken(request, "some-other-secret");
    await expect(authenticate(`Bearer ${token}`, auth)).rejects.toMatchObject({ code: "unauthorized" });
  });
});

describe("parseDevVars", () => {
  it("reads plain, exported, quoted and empty values and skips comments", () => {
    const text = '# local\nJWT_SECRET=abc\nexport ADMIN_TOKEN="x y"\nJWT_SECRET_PREVIOUS=\nOTHER=1 # note\n';
    expect(parseDevVars(text)).toEqual({ JWT_SECRET: "abc", ADMIN_TOKEN: "x y", JWT_SECRET_PREVIOUS: "", OTHER: "1" });
  });
});

describe("fillMissingSecrets", () => {
  const newSecret = () => "generated";

  it("fills the empty lines of the example and leaves the rotation secret empty", () => {
    const filled = fillMissingSecrets("JWT_SECRET=\nJWT_SECRET_PREVIOUS=\nADMIN_TOKEN=\nDESTINATION_KEY=\n", newSecret);
    expect(filled.created).toEqual(["JWT_SECRET", "ADMIN_TOKEN", "DESTINATION_KEY"]);
    expect(filled.text).toBe(
      "JWT_SECRET=generated\nJWT_SECRET_PREVIOUS=\nADMIN_TOKEN=generated\nDESTINATION_KEY=generated\n",
    );
  });

  it("never overwrites a value and appends only what is absent", () => {
    const filled = fillMissingSecrets("JWT_SECRET=mine\nOTHER=1", newSecret);
    expect(filled.created).toEqual(["ADMIN_TOKEN", "DESTINATION_KEY"]);
    expect(filled.text).toBe("JWT_SECRET=mine\nOTHER=1\nADMIN_TOKEN=generated\nDESTINATION_KEY=generated\n");
  });

  it("changes nothing when every secret is set", () => {
    const text = "JWT_SECRET=a\nADMIN_TOKEN=b\nDESTINATION_KEY=c\n";
    expect(fillMissingSecrets(text, newSecret)).toEqual({ text, created: [] });
  });
});
