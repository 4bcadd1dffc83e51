/**
 * `npm run pull -- --url <collector> --token <token> --since YYYY-MM-DD --out <dir>`: a customer's incremental
 * download of their export files. Progress goes to stderr, the one-line summary to stdout. Exit: 0 all pulled,
 * 1 some file failed or the collector refused, 2 bad usage.
 * @module
 */
import { runCommand } from "./lib/cli.js";
import { PULL_USAGE, parsePullArgs } from "./pull/args.js";
import { formatSummary, pullExports } from "./pull/pull-exports.js";

await runCommand(
  PULL_USAGE,
  async () => {
    const options = parsePullArgs(process.argv.slice(2), process.env);
    const summary = await pullExports(options, { progress: (line) => console.error(line) });
    console.log(formatSummary(summary));
    return summary.failed > 0 ? 1 : 0;
  },
  { failurePrefix: "pull failed: " },
);
