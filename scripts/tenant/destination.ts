/**
 * `npm run tenant -- destination add|test|list|remove …`: a tenant's push destinations, through the collector's
 * admin routes (scripts/lib/admin-client.ts). Secrets may come from flags or from the environment variables the
 * storages' own tools use, so they need not sit in shell history; they are never printed.
 * @module
 */
import type { DestinationView } from "../../src/core/delivery/destination.js";
import type { ProbeReport } from "../../src/delivery/probe-destination.js";
import { ADMIN_TARGET_FLAGS, adminRequest, adminTarget, type AdminTarget } from "../lib/admin-client.js";
import { HELP_FLAG, parseFlags, UsageError } from "../lib/cli.js";

export const DESTINATION_USAGE = `  npm run tenant -- destination add <tenant> <name> --kind s3 --bucket <bucket> [--region <region>]
        [--endpoint <url>] [--prefix <prefix>] --access-key-id <id> [--secret-access-key <secret>]
  npm run tenant -- destination add <tenant> <name> --kind azure --container-url <url> [--prefix <prefix>]
        (--sas-token <token> | --account-key <key> [--account <name>])
  npm run tenant -- destination test|remove <tenant> <name>
  npm run tenant -- destination list <tenant>
Destination options: [--remote] [--url <collector>] [--token <ADMIN_TOKEN>] (local: the npm run dev collector).
  S3-compatible stores and Google Cloud Storage (HMAC keys) take --endpoint, e.g. https://storage.googleapis.com.
  Secrets default to AWS_SECRET_ACCESS_KEY, AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY from the environment.`;

export async function runDestinationCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: {
      kind: { type: "string" },
      bucket: { type: "string" },
      region: { type: "string" },
      endpoint: { type: "string" },
      prefix: { type: "string" },
      "access-key-id": { type: "string" },
      "secret-access-key": { type: "string" },
      "container-url": { type: "string" },
      "sas-token": { type: "string" },
      "account-key": { type: "string" },
      account: { type: "string" },
      ...ADMIN_TARGET_FLAGS,
      help: HELP_FLAG,
    },
  });
  const [command, tenant, name] = positionals;
  if (!command || !tenant) throw new UsageError("destination needs a command and a tenant.");
  const target = adminTarget(values);
  const base = `/admin/tenants/${encodeURIComponent(tenant)}/destinations`;
  if (command === "list") return list(target, base);
  if (!name) throw new UsageError(`destination ${command} needs a destination name.`);
  if (command === "add") return add(target, base, name, values);
  if (command === "test") return test(target, `${base}/${encodeURIComponent(name)}/test`);
  if (command === "remove") {
    await adminRequest(target, "DELETE", `${base}/${encodeURIComponent(name)}`);
    console.log(`Removed destination ${name} of ${tenant}.`);
    return 0;
  }
  throw new UsageError(`Unknown destination command ${JSON.stringify(command)}.`);
}

type Flags = Record<string, string | boolean | undefined>;

async function add(target: AdminTarget, path: string, name: string, flags: Flags): Promise<number> {
  const text = (flag: string) => (typeof flags[flag] === "string" ? (flags[flag] as string) : undefined);
  let input: Record<string, unknown>;
  if (flags.kind === "s3") {
    input = {
      kind: "s3",
      name,
      bucket: text("bucket"),
      region: text("region"),
      endpoint: text("endpoint"),
      prefix: text("prefix"),
      accessKeyId: text("access-key-id"),
      secretAccessKey: text("secret-access-key") ?? process.env.AWS_SECRET_ACCESS_KEY,
    };
  } else if (flags.kind === "azure") {
    const accountKey = text("account-key") ?? (text("sas-token") ? undefined : process.env.AZURE_STORAGE_KEY);
    const sasToken = text("sas-token") ?? (accountKey ? undefined : process.env.AZURE_STORAGE_SAS_TOKEN);
    input = {
      kind: "azure",
      name,
      containerUrl: text("container-url"),
      auth: sasToken ? "sas" : "shared_key",
      accountName: text("account"),
      prefix: text("prefix"),
      sasToken,
      accountKey,
    };
  } else {
    throw new UsageError("--kind is s3 or azure.");
  }
  const { destination } = await adminRequest<{ destination: DestinationView }>(target, "POST", path, input);
  console.log(
    `Added ${destination.settings.kind} destination ${destination.name} of ${destination.tenant}. Check it with: npm run tenant -- destination test ${destination.tenant} ${destination.name}`,
  );
  return 0;
}

async function list(target: AdminTarget, path: string): Promise<number> {
  const { destinations } = await adminRequest<{
    destinations: Array<DestinationView & { deliveries: Record<string, number> }>;
  }>(target, "GET", path);
  if (destinations.length === 0) {
    console.log("No destinations.");
    return 0;
  }
  console.table(
    destinations.map(({ name, settings, deliveries, created_at }) => ({
      name,
      kind: settings.kind,
      where:
        settings.kind === "s3"
          ? `${settings.endpoint ?? `s3.${settings.region}`}/${settings.bucket}`
          : settings.containerUrl,
      prefix: settings.prefix,
      delivered: deliveries.delivered,
      pending: deliveries.pending,
      failed: deliveries.failed,
      created: created_at,
    })),
  );
  return 0;
}

async function test(target: AdminTarget, path: string): Promise<number> {
  const report = await adminRequest<ProbeReport & { destination: string; kind: string }>(target, "POST", path);
  for (const step of report.steps) {
    if (step.ok) console.log(`${step.step} ${report.key}: ok`);
    else console.log(`${step.step} ${report.key}: FAILED, ${step.reason}: ${step.message}`);
  }
  const deleteRefused = report.steps.find((step) => step.step === "delete" && !step.ok);
  if (deleteRefused) console.log("Delivery needs only write access; remove the probe object by hand if you like.");
  console.log(
    report.ok
      ? `Destination ${report.destination} works.`
      : `Destination ${report.destination} does not work: fix the above and test again.`,
  );
  return report.ok ? 0 : 1;
}
