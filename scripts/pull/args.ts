/**
 * Reads the command line of `npm run pull`: where the collector is, the exports token, the first day and the
 * folder to pull into. Bad usage is a UsageError (lib/cli.ts).
 * @module
 */
import { isCalendarDay } from "../../src/core/exports/export-day.js";
import { EXPORT_FORMATS, type ExportFormat } from "../../src/core/exports/export-key.js";
import { HELP_FLAG, parseFlags, requiredFlag, UsageError } from "../lib/cli.js";

export const PULL_USAGE = `Usage: npm run pull -- --url <collector> --token <token> --since YYYY-MM-DD --out <dir> [--until YYYY-MM-DD] [--format jsonl|parquet|aggregates] [--concurrency N]
  --url          the collector, e.g. https://collector.example.com
  --token        a JWT with the scope exports:read (or set AUDIOGUM_EXPORTS_TOKEN instead, which keeps it out of ps)
  --since        the first day folder to pull (UTC)
  --until        the last day folder to pull (UTC; default: all since --since)
  --out          the folder to pull into; files keep their key path under it, and .pull-state.json remembers them
  --format       which files: jsonl (the export files, default), parquet (closed days compacted) or aggregates
  --concurrency  downloads at once (default 4, at most 16)`;

export interface PullOptions {
  collector: URL;
  token: string;
  since: string;
  until: string | undefined;
  outDir: string;
  format: ExportFormat;
  concurrency: number;
}

export const TOKEN_ENV = "AUDIOGUM_EXPORTS_TOKEN";

export function parsePullArgs(argv: readonly string[], environment: NodeJS.ProcessEnv): PullOptions {
  const { values } = parseFlags({
    args: [...argv],
    options: {
      url: { type: "string" },
      token: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      out: { type: "string" },
      concurrency: { type: "string" },
      format: { type: "string" },
      help: HELP_FLAG,
    },
  });
  const token = values.token ?? environment[TOKEN_ENV];
  if (!token) throw new UsageError(`--token (or ${TOKEN_ENV}) is required.`);
  return {
    collector: collectorUrl(values.url),
    token,
    since: day(values.since, "--since"),
    until: values.until === undefined ? undefined : day(values.until, "--until"),
    outDir: requiredFlag(values.out, "--out"),
    format: format(values.format),
    concurrency: concurrency(values.concurrency),
  };
}

function collectorUrl(raw: string | undefined): URL {
  const text = requiredFlag(raw, "--url");
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // Reported below with the same message as a wrong scheme.
  }
  throw new UsageError(`--url must be an http(s) URL; got ${JSON.stringify(text)}.`);
}

function day(raw: string | undefined, flag: string): string {
  const text = requiredFlag(raw, flag);
  if (!isCalendarDay(text))
    throw new UsageError(`${flag} must be a date written YYYY-MM-DD; got ${JSON.stringify(text)}.`);
  return text;
}

function format(raw: string | undefined): ExportFormat {
  if (raw === undefined) return "jsonl";
  if ((EXPORT_FORMATS as readonly string[]).includes(raw)) return raw as ExportFormat;
  throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(", ")}; got ${JSON.stringify(raw)}.`);
}

function concurrency(raw: string | undefined): number {
  if (raw === undefined) return 4;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 16)
    throw new UsageError(`--concurrency must be from 1 to 16; got ${JSON.stringify(raw)}.`);
  return value;
}
