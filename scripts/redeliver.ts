/**
 * `npm run redeliver -- --tenant T --from DAY [--to DAY] [--remote] [--url U] [--token T]`: backfill. Every
 * committed export file of the tenant in those day folders goes again to each of its destinations, one page per
 * POST /admin/tenants/{tenant}/redeliver; prints the totals as JSON. Bad usage: exit 2; a failed request: 1.
 * @module
 */
import { ADMIN_TARGET_FLAGS, adminRequest, adminTarget } from "./lib/admin-client.js";
import { HELP_FLAG, parseFlags, runCommand, UsageError } from "./lib/cli.js";

const USAGE = `Usage: npm run redeliver -- --tenant <tenant> --from <YYYY-MM-DD> [--to <YYYY-MM-DD>] [--remote] [--url <collector>] [--token <ADMIN_TOKEN>]`;

interface RedeliveryPageResult {
  files: number;
  deliveries: number;
  next: string | null;
}

await runCommand(USAGE, async () => {
  const { values } = parseFlags({
    args: process.argv.slice(2),
    options: {
      tenant: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      ...ADMIN_TARGET_FLAGS,
      help: HELP_FLAG,
    },
  });
  if (!values.tenant || !values.from) throw new UsageError("--tenant and --from are required.");
  const target = adminTarget(values);
  const totals = { files: 0, deliveries: 0, pages: 0 };
  let after: string | null = null;
  do {
    const query = new URLSearchParams({
      from: values.from,
      ...(values.to ? { to: values.to } : {}),
      ...(after ? { after } : {}),
    });
    const page: RedeliveryPageResult = await adminRequest(
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
});
