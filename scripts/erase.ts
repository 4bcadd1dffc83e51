/**
 * `npm run erase -- --tenant T --user U [--no-suppress] [--requested-by WHO] [--wait]`: erases a user from
 * everything the collector holds for the tenant (docs/privacy.md) through the admin routes, locally or --remote.
 * Without --wait it prints {"id", "status"} once the erasure is queued; with --wait, or `--watch <id>` for one
 * already started, it follows the erasure with its progress on stderr and prints its last status as JSON: exit 0
 * when done, 1 when failed (or a request failed), 2 on bad usage.
 * @module
 */
import { ADMIN_TARGET_FLAGS, adminTarget } from "./lib/admin-client.js";
import { HELP_FLAG, parseFlags, requiredFlag, runCommand, UsageError } from "./lib/cli.js";
import { type ErasureStatusAnswer, followErasure, startErasure } from "./erase/run-erasure.js";

const USAGE = `Usage:
  npm run erase -- --tenant <tenant> --user <userid> [--no-suppress] [--requested-by <who>] [--wait] [target]
  npm run erase -- --tenant <tenant> --watch <erasure id> [target]
Options:
  --no-suppress        erase the user's past events only; their later events are exported as usual
                       (default: the tenant's later events of the user are dropped at the edge)
  --requested-by <who> who asked, for the audit record (a person, a ticket); default admin-token
  --wait               follow the erasure until it is done or failed, with its progress on stderr
  --watch <id>         follow an erasure already started
  --interval <seconds> between two status requests while following (default 2)
Target: --remote --url <collector> --token <ADMIN_TOKEN> (or COLLECTOR_URL, ADMIN_TOKEN; default the local
  npm run dev collector and .dev.vars)`;

await runCommand(USAGE, async () => {
  const { values } = parseFlags({
    args: process.argv.slice(2),
    options: {
      tenant: { type: "string" },
      user: { type: "string" },
      "no-suppress": { type: "boolean", default: false },
      "requested-by": { type: "string" },
      wait: { type: "boolean", default: false },
      watch: { type: "string" },
      interval: { type: "string" },
      ...ADMIN_TARGET_FLAGS,
      help: HELP_FLAG,
    },
  });
  const tenant = requiredFlag(values.tenant, "--tenant");
  if (values.watch !== undefined && values.user !== undefined) {
    throw new UsageError("Give --user to start an erasure, or --watch <id> to follow one, not both.");
  }
  const intervalMs = intervalOf(values.interval);
  const target = adminTarget(values);
  let id = values.watch;
  if (id === undefined) {
    const userid = requiredFlag(values.user, "--user");
    const suppress = !values["no-suppress"];
    id = await startErasure(target, { tenant, userid, suppress, requestedby: values["requested-by"] });
    console.error(
      `Erasure ${id} of tenant ${tenant} queued (${suppress ? "suppressing" : "not suppressing"} the user).`,
    );
    if (!values.wait) {
      console.error(`Follow it: npm run erase -- --tenant ${tenant} --watch ${id}`);
      console.log(JSON.stringify({ id, status: "pending" }));
      return 0;
    }
  }
  const last: ErasureStatusAnswer = await followErasure(target, tenant, id, {
    intervalMs,
    progress: (line) => console.error(line),
  });
  console.log(JSON.stringify(last));
  return last.status === "done" ? 0 : 1;
});

function intervalOf(text: string | undefined): number {
  if (text === undefined) return 2_000;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > 3600) {
    throw new UsageError("--interval takes a number of seconds, more than 0 and at most 3600.");
  }
  return seconds * 1000;
}
