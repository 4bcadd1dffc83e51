/**
 * `npm run compact -- --tenant T --day YYYY-MM-DD [--remote] [--url U] [--token T]`: compacts a closed day of the
 * tenant to Parquet now, one file per POST /admin/tenants/{tenant}/compact until the day is complete; prints the
 * last answer as JSON. A day not closed yet is refused (409 day_not_closed, exit 1), as is a day whose export
 * files the manifest no longer lists (409 day_files_unlisted, exit 1). Bad usage: exit 2.
 * @module
 */
import { ADMIN_TARGET_FLAGS, adminRequest, adminTarget } from "./lib/admin-client.js";
import { HELP_FLAG, parseFlags, runCommand, UsageError } from "./lib/cli.js";

const USAGE =
  "Usage: npm run compact -- --tenant <tenant> --day <YYYY-MM-DD> [--remote] [--url <collector>] [--token <ADMIN_TOKEN>]";

interface CompactionAnswer {
  files: number;
  written: number;
  events: number;
  complete: boolean;
}

await runCommand(USAGE, async () => {
  const { values } = parseFlags({
    args: process.argv.slice(2),
    options: { tenant: { type: "string" }, day: { type: "string" }, ...ADMIN_TARGET_FLAGS, help: HELP_FLAG },
  });
  if (!values.tenant || !values.day) throw new UsageError("--tenant and --day are required.");
  const target = adminTarget(values);
  const path = `/admin/tenants/${encodeURIComponent(values.tenant)}/compact?day=${encodeURIComponent(values.day)}`;
  let answer: CompactionAnswer;
  let written = 0;
  do {
    answer = await adminRequest(target, "POST", path);
    written += answer.written;
    if (!answer.complete) console.error(`wrote ${written} of ${answer.files} Parquet files`);
  } while (!answer.complete);
  console.log(JSON.stringify({ ...answer, written }));
});
