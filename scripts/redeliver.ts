/**
 * `npm run redeliver -- --tenant T --from DAY [--to DAY] [--remote] [--url U] [--token T]`: backfill. Every
 * committed export file of the tenant in those day folders goes again to each of its destinations, one page per
 * POST /admin/tenants/{tenant}/redeliver; prints the totals as JSON. Bad usage: exit 2; a failed request: 1.
 * @module
 */
import { parseArgs } from "node:util";
import { adminRequest, adminTarget, AdminUsageError } from "./admin-client.js";

const USAGE = `Usage: npm run redeliver -- --tenant <tenant> --from <YYYY-MM-DD> [--to <YYYY-MM-DD>] [--remote] [--url <collector>] [--token <ADMIN_TOKEN>]`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      remote: { type: "boolean", default: false },
      url: { type: "string" },
      token: { type: "string" },
    },
  });
  if (!values.tenant || !values.from) throw new AdminUsageError("--tenant and --from are required.");
  const target = adminTarget(values);
  const totals = { files: 0, deliveries: 0, pages: 0 };
  let after: string | null = null;
  do {
    const query = new URLSearchParams({
      from: values.from,
      ...(values.to ? { to: values.to } : {}),
      ...(after ? { after } : {}),
    });
    const page: { files: number; deliveries: number; next: string | null } = await adminRequest(
      target,
      "POST",
      `/admin/tenants/${encodeURIComponent(values.tenant)}/redeliver?${query}`,
    );
    totals.files += page.files;
    totals.deliveries += page.deliveries;
    totals.pages++;
    after = page.next;
  } while (after);
  console.log(JSON.stringify(totals));
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof AdminUsageError || error instanceof TypeError;
  console.error(error instanceof Error ? error.message : String(error));
  if (usage) console.error(USAGE);
  process.exit(usage ? 2 : 1);
}
