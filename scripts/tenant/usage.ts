/**
 * `npm run tenant -- usage [<tenant>] [--month YYYY-MM]`: the operator's usage report through the collector's
 * admin routes (scripts/lib/admin-client.ts): a tenant's counted days of the month with their estimated cost, or
 * without a tenant every tenant of the month ranked by events accepted. The month is UTC, by default the current.
 * @module
 */
import type { UsageCounts } from "../../src/core/usage/tenant-usage.js";
import type { UsageCost } from "../../src/core/usage/usage-cost.js";
import { ADMIN_TARGET_FLAGS, adminRequest, adminTarget, type AdminTarget } from "../lib/admin-client.js";
import { HELP_FLAG, parseFlags, UsageError } from "../lib/cli.js";

export const USAGE_USAGE = `  npm run tenant -- usage <tenant> [--month YYYY-MM]   the tenant's days: requests, events, bytes, files, cost
  npm run tenant -- usage [--month YYYY-MM]            every tenant of the month, most events first
Usage options: [--remote] [--url <collector>] [--token <ADMIN_TOKEN>] (local: the npm run dev collector).`;

export interface UsageCommand {
  /** Absent: the ranking of every tenant. */
  tenant: string | undefined;
  from: string;
  to: string;
  target: AdminTarget;
}

/** The command's arguments (after `usage`); the month defaults to the one `now` is in (UTC). */
export function parseUsageCommand(argv: string[], now: Date): UsageCommand {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: { month: { type: "string" }, ...ADMIN_TARGET_FLAGS, help: HELP_FLAG },
  });
  if (positionals.length > 1) throw new UsageError("usage takes at most one tenant.");
  return { tenant: positionals[0], ...monthDays(values.month, now), target: adminTarget(values) };
}

/** The first and last day of a month written YYYY-MM (by default `now`'s, UTC). */
export function monthDays(month: string | undefined, now: Date): { from: string; to: string } {
  const chosen = month ?? now.toISOString().slice(0, 7);
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(chosen);
  if (!match)
    throw new UsageError(`--month takes a month written YYYY-MM, e.g. 2026-11; got ${JSON.stringify(chosen)}.`);
  const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  return { from: `${chosen}-01`, to: `${chosen}-${String(lastDay).padStart(2, "0")}` };
}

type Counted = UsageCounts & { estimated_cost: UsageCost };

export async function runUsageCommand(argv: string[]): Promise<number> {
  const command = parseUsageCommand(argv, new Date());
  const period = `from=${command.from}&to=${command.to}`;
  if (command.tenant === undefined) {
    const { tenants, prices_as_of } = await adminRequest<{
      tenants: Array<Counted & { rank: number; tenant: string }>;
      prices_as_of: string;
    }>(command.target, "GET", `/admin/usage?${period}&limit=1000`);
    if (tenants.length === 0) console.log(`No usage counted from ${command.from} to ${command.to}.`);
    else console.table(tenants.map((entry) => ({ rank: entry.rank, tenant: entry.tenant, ...usageRow(entry) })));
    console.log(`Cost estimated at list prices of ${prices_as_of} (OPERATIONS.md, Usage).`);
    return 0;
  }
  const path = `/admin/tenants/${encodeURIComponent(command.tenant)}/usage?${period}`;
  const report = await adminRequest<{ days: Array<Counted & { day: string }>; total: Counted; prices_as_of: string }>(
    command.target,
    "GET",
    path,
  );
  if (report.days.length === 0) {
    console.log(`No usage counted for ${command.tenant} from ${command.from} to ${command.to}.`);
    return 0;
  }
  console.table([
    ...report.days.map((day) => ({ day: day.day, ...usageRow(day) })),
    { day: "total", ...usageRow(report.total) },
  ]);
  console.log(`Cost estimated at list prices of ${report.prices_as_of} (OPERATIONS.md, Usage).`);
  return 0;
}

/** One line of the table: every counter under a short heading, and the cost in dollars. */
export function usageRow(counted: Counted): Record<string, number | string> {
  return {
    requests: counted.requests,
    accepted: counted.events_accepted,
    rejected: counted.events_rejected,
    suppressed: counted.events_suppressed,
    duplicates: counted.duplicates_dropped,
    exported: counted.events_exported,
    wire_bytes: counted.wire_bytes,
    decoded_bytes: counted.decoded_bytes,
    "429s": counted.responses_429,
    files: counted.files_exported,
    file_bytes: counted.bytes_exported,
    delivered: counted.files_delivered,
    delivered_bytes: counted.bytes_delivered,
    usd: counted.estimated_cost.usd.toFixed(6),
  };
}
