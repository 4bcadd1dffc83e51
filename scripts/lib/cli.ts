/**
 * The command line of every npm command: flags parsed strictly (node:util parseArgs), bad usage as a UsageError
 * printed with the command's usage text and exit status 2, `-h`/`--help` printing the usage on stdout (exit 0),
 * any other failure its message and exit status 1.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** Bad usage: the command prints the message and its usage and exits with USAGE_EXIT_CODE. */
export class UsageError extends Error {}

export const USAGE_EXIT_CODE = 2;

/** Every command takes it: `-h` or `--help` prints the usage. */
export const HELP_FLAG = { type: "boolean", short: "h" } as const;

class HelpRequested extends Error {}

type FlagsConfig = ParseArgsConfig & { args: string[]; options: { help: typeof HELP_FLAG } };

/** parseArgs (strict), with its complaints (an unknown flag, a missing value) as UsageErrors. */
export function parseFlags<const T extends FlagsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
  return parsed;
}

export interface CommandOptions {
  /** Put before the message of a failure that is not bad usage, e.g. "pull failed: ". */
  failurePrefix?: string;
}

/**
 * Runs a command to its exit: the status `run` returns (0 when none), 2 with the usage after a UsageError, 0 with
 * the usage on stdout for --help, 1 with the message (and its cause) after any other error.
 */
export async function runCommand(
  usage: string,
  run: () => Promise<number> | Promise<void>,
  options: CommandOptions = {},
): Promise<never> {
  try {
    process.exit((await run()) ?? 0);
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(usage);
      process.exit(0);
    }
    if (error instanceof UsageError) {
      console.error(error.message ? `${error.message}\n\n${usage}` : usage);
      process.exit(USAGE_EXIT_CODE);
    }
    console.error(`${options.failurePrefix ?? ""}${describeFailure(error)}`);
    process.exit(1);
  }
}

/** A flag every caller must give; an empty one counts as missing. */
export function requiredFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`${flag} is required and must not be empty.`);
  return value;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return `${error.message} (${error.cause.message})`;
  return errorMessage(error);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
