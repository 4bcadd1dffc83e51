/**
 * `npm run token -- --tenant demo --user <id> --device <id> [--scope …] [--ttl seconds]`: prints a token for the
 * local collector alone on the last line of stdout, so `npm run token … | tail -n1` is the token. Bad usage: exit 2.
 * @module
 */
import { isValidTenant, TENANT_PATTERN } from "../src/core/tenants/tenant-name.js";
import { SCOPES } from "../src/edge/auth/verify-token.js";
import { HELP_FLAG, parseFlags, requiredFlag, runCommand, UsageError } from "./lib/cli.js";
import { DEFAULT_TTL_SECONDS, mintDevToken, type TokenRequest } from "./lib/mint-token.js";

const USAGE = `Usage: npm run token -- --tenant <tenant> --user <userid> --device <deviceid> [--scope <scope>] [--ttl <seconds>]
  --tenant  the tenant claim, ${TENANT_PATTERN.source}
  --user    the Audiogum userid (the sub claim)
  --device  the deviceid claim
  --scope   ${SCOPES.join(" or ")}; repeat it for both (default: events:write)
  --ttl     seconds until the token expires (default: ${DEFAULT_TTL_SECONDS})`;

function parseTokenRequest(argv: string[]): TokenRequest {
  const { values } = parseFlags({
    args: argv,
    options: {
      tenant: { type: "string" },
      user: { type: "string" },
      device: { type: "string" },
      scope: { type: "string", multiple: true },
      ttl: { type: "string" },
      help: HELP_FLAG,
    },
  });
  const tenant = requiredFlag(values.tenant, "--tenant");
  if (!isValidTenant(tenant)) {
    throw new UsageError(
      `--tenant must match ${TENANT_PATTERN.source} (lowercase letters, digits, hyphens); got ${JSON.stringify(tenant)}.`,
    );
  }
  return {
    tenant,
    userid: requiredFlag(values.user, "--user"),
    deviceid: requiredFlag(values.device, "--device"),
    scopes: parseScopes(values.scope ?? ["events:write"]),
    ttlSeconds: parseTtl(values.ttl),
  };
}

// The claim is space separated, so "events:write exports:read" in one flag is accepted as well as two flags.
function parseScopes(flags: string[]): string[] {
  const scopes = flags.flatMap((flag) => flag.split(" ")).filter((scope) => scope !== "");
  for (const scope of scopes) {
    if (!(SCOPES as readonly string[]).includes(scope)) {
      throw new UsageError(`--scope must be ${SCOPES.join(" or ")}; got ${JSON.stringify(scope)}.`);
    }
  }
  if (scopes.length === 0) throw new UsageError("--scope must not be empty.");
  return [...new Set(scopes)];
}

function parseTtl(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(`--ttl must be a positive whole number of seconds; got ${JSON.stringify(raw)}.`);
  }
  return seconds;
}

await runCommand(USAGE, async () => {
  console.log(await mintDevToken(parseTokenRequest(process.argv.slice(2))));
});
