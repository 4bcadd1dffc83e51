/**
 * `npm run pull -- --url <collector> --token <token> --since YYYY-MM-DD --out <dir>`: a customer's incremental
 * download of their export files. Progress goes to stderr, the one-line summary to stdout. Exit: 0 all pulled,
 * 1 some file failed or the collector refused, 2 bad usage.
 * @module
 */
import { parsePullArgs, PULL_USAGE, UsageError } from "./pull/args.js";
import { CollectorRefusal } from "./pull/collector-client.js";
import { formatSummary, pullExports } from "./pull/pull-exports.js";

try {
  const options = parsePullArgs(process.argv.slice(2), process.env);
  if (options === "help") {
    console.log(PULL_USAGE);
    process.exit(0);
  }
  const summary = await pullExports(options, { progress: (line) => console.error(line) });
  console.log(formatSummary(summary));
  process.exit(summary.failed > 0 ? 1 : 0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${PULL_USAGE}`);
    process.exit(2);
  }
  const reason = error instanceof CollectorRefusal ? error.message : describe(error);
  console.error(`pull failed: ${reason}`);
  process.exit(1);
}

function describe(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return `${error.message} (${error.cause.message})`;
  return error instanceof Error ? error.message : String(error);
}
