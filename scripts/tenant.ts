/**
 * `npm run tenant -- add|set|list …`: manages the tenants table (local D1 by default, --remote for the
 * deployed one). Settings reach the edge within TENANT_CACHE_SECONDS. `destination …` is tenant/destination.ts,
 * `usage …` tenant/usage.ts.
 * @module
 */
import { ZodError } from "zod";
import {
  DEFAULT_TENANT_SETTINGS,
  GEO_SETTINGS,
  IP_SETTINGS,
  RATE_TIERS,
  settingsFromRow,
  type TenantRow,
} from "../src/core/tenants/tenant-settings.js";
import { HELP_FLAG, parseFlags, runCommand, UsageError } from "./lib/cli.js";
import { executeD1, type D1Target } from "./lib/d1-execute.js";
import { DESTINATION_USAGE, runDestinationCommand } from "./tenant/destination.js";
import { runUsageCommand, USAGE_USAGE } from "./tenant/usage.js";
import { addTenantSql, LIST_TENANTS_SQL, setTenantSql, type SettingsChange } from "./lib/tenant-sql.js";

const USAGE = `Usage:
  npm run tenant -- add <tenant> [settings] [--remote]
  npm run tenant -- set <tenant> <settings> [--remote]
  npm run tenant -- list [--remote]
${DESTINATION_USAGE}
${USAGE_USAGE}
Settings:
  --enabled on|off       a disabled tenant's events get 403 and nothing is queued; it may still read (default on)
  --geo on|country|off   geo in the tenant's export: every field, the country and continent only, or none (default on)
  --ip on|truncated|off  the client's IP address in each event: as seen, its network only (IPv4 /24, IPv6 /48),
                         or none (default off)
  --user-agent on|off    the request's User-Agent and the device it names in each event (default off)
  --sources a,b          extra play/profile source values the tenant may send ("" for none)
  --device-tier ${RATE_TIERS.join("|")}   requests and events per device per minute tier (default standard)
  --tenant-tier ${RATE_TIERS.join("|")}   requests and events per tenant per minute tier (default standard)
  --parquet on|off       compact each closed day to Parquet files beside the JSON Lines (default off)
  --quota-month N|off    events the tenant may have exported per UTC month, then 429 quota_exceeded (default off)`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "destination") return runDestinationCommand(argv.slice(1));
  if (argv[0] === "usage") return runUsageCommand(argv.slice(1));
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: {
      enabled: { type: "string" },
      geo: { type: "string" },
      ip: { type: "string" },
      "user-agent": { type: "string" },
      sources: { type: "string" },
      "device-tier": { type: "string" },
      "tenant-tier": { type: "string" },
      parquet: { type: "string" },
      "quota-month": { type: "string" },
      remote: { type: "boolean", default: false },
      help: HELP_FLAG,
    },
  });
  const [command, tenant] = positionals;
  if (command === undefined) throw new UsageError("");
  const target: D1Target = values.remote ? "remote" : "local";
  const change = settingsChange(values);
  if (command === "list") await listTenants(target);
  else if (tenant === undefined) throw new UsageError(`${command} needs a tenant name.`);
  else if (command === "add") await addTenant(tenant, change, target);
  else if (command === "set") await setTenant(tenant, change, target);
  else throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  return 0;
}

async function addTenant(tenant: string, change: SettingsChange, target: D1Target): Promise<void> {
  const rows = await executeD1(addTenantSql(tenant, { ...DEFAULT_TENANT_SETTINGS, ...change }, Date.now()), target);
  if (rows.length === 0) throw new UsageError(`Tenant ${tenant} exists already; use set to change it.`);
  console.log(`Added tenant ${tenant} (${target}).`);
}

async function setTenant(tenant: string, change: SettingsChange, target: D1Target): Promise<void> {
  const rows = await executeD1(setTenantSql(tenant, change, Date.now()), target);
  if (rows.length === 0) throw new UsageError(`No tenant ${tenant}; use add first.`);
  console.log(`Updated tenant ${tenant} (${target}).`);
}

async function listTenants(target: D1Target): Promise<void> {
  const rows = await executeD1(LIST_TENANTS_SQL, target);
  if (rows.length === 0) {
    console.log(`No tenants (${target}).`);
    return;
  }
  console.table(
    rows.map((row) => {
      const settings = settingsFromRow(row as unknown as TenantRow);
      return {
        tenant: row.tenant,
        enabled: settings.enabled,
        geo: settings.geo,
        ip: settings.ip,
        user_agent: settings.userAgent,
        sources: settings.extraSources.join(","),
        device_tier: settings.deviceRateTier,
        tenant_tier: settings.tenantRateTier,
        parquet: settings.parquet,
        quota_month: settings.quotaMonth ?? "off",
        events_this_month: row.month_events ?? 0,
        updated: new Date(Number(row.updated_at)).toISOString(),
      };
    }),
  );
}

type Flags = Record<string, string | boolean | undefined>;

function settingsChange(values: Flags): SettingsChange {
  const change: SettingsChange = {};
  if (values.enabled !== undefined) change.enabled = onOff(values.enabled, "--enabled");
  if (values.geo !== undefined) change.geo = oneOf(GEO_SETTINGS, values.geo, "--geo");
  if (values.ip !== undefined) change.ip = oneOf(IP_SETTINGS, values.ip, "--ip");
  if (values["user-agent"] !== undefined) change.userAgent = onOff(values["user-agent"], "--user-agent");
  if (typeof values.sources === "string")
    change.extraSources = values.sources.split(",").filter((source) => source !== "");
  if (values["device-tier"] !== undefined)
    change.deviceRateTier = oneOf(RATE_TIERS, values["device-tier"], "--device-tier");
  if (values["tenant-tier"] !== undefined)
    change.tenantRateTier = oneOf(RATE_TIERS, values["tenant-tier"], "--tenant-tier");
  if (values.parquet !== undefined) change.parquet = onOff(values.parquet, "--parquet");
  if (values["quota-month"] !== undefined) change.quotaMonth = quota(values["quota-month"], "--quota-month");
  return change;
}

function onOff(value: string | boolean, flag: string): boolean {
  if (value === "on") return true;
  if (value === "off") return false;
  throw new UsageError(`${flag} takes on or off.`);
}

function quota(value: string | boolean, flag: string): number | null {
  if (value === "off") return null;
  if (typeof value === "string" && /^[1-9][0-9]{0,15}$/.test(value)) return Number(value);
  throw new UsageError(`${flag} takes a whole number of events (1 or more) or off.`);
}

function oneOf<const T extends string>(choices: readonly T[], value: string | boolean, flag: string): T {
  if ((choices as readonly unknown[]).includes(value)) return value as T;
  throw new UsageError(`${flag} takes ${choices.join(", ")}.`);
}

/** The settings schema's complaints (tenant-sql.ts checks every value) are bad usage too. */
function asUsageError(error: unknown): unknown {
  if (!(error instanceof ZodError)) return error;
  return new UsageError(
    error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`).join("\n"),
  );
}

await runCommand(USAGE, () =>
  main(process.argv.slice(2)).catch((error: unknown) => {
    throw asUsageError(error);
  }),
);
