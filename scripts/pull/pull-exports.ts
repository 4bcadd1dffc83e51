/**
 * The pull: list the files since a day (every page), skip those already pulled with the same etag, download
 * the rest a few at a time (retrying passing failures), and record each one in the state file as it lands.
 * @module
 */
import { stat } from "node:fs/promises";
import type { ExportFileEntry } from "../../src/core/exports/export-listing.js";
import type { PullOptions } from "./args.js";
import { CollectorRefusal, listPage, openDownload, type CollectorClient } from "./collector-client.js";
import { localPathFor } from "./local-path.js";
import { readPullState, writePullState, type PullState } from "./pull-state.js";
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from "./retry.js";
import { saveVerifiedFile } from "./save-verified-file.js";

export interface PullSummary {
  listed: number;
  downloaded: number;
  skipped: number;
  failed: number;
  /** Bytes and events of the files downloaded by this pull. */
  bytes: number;
  events: number;
  seconds: number;
}

export interface PullReporter {
  /** One line of progress (stderr in the command). */
  progress(line: string): void;
}

export async function pullExports(
  options: PullOptions,
  reporter: PullReporter,
  retryPolicy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<PullSummary> {
  const started = performance.now();
  const client: CollectorClient = { collector: options.collector, token: options.token };
  const onRetry = (error: Error, attempt: number, delayMs: number) =>
    reporter.progress(`retrying in ${Math.round(delayMs)} ms (attempt ${attempt} failed: ${error.message})`);

  const files = await listAll(client, options, retryPolicy, onRetry, reporter);
  const state = await readPullState(options.outDir);
  const summary: PullSummary = {
    listed: files.length,
    downloaded: 0,
    skipped: 0,
    failed: 0,
    bytes: 0,
    events: 0,
    seconds: 0,
  };
  const wanted: ExportFileEntry[] = [];
  for (const file of files) {
    if (await alreadyPulled(state, file, options.outDir)) summary.skipped++;
    else wanted.push(file);
  }
  reporter.progress(`${files.length} files listed: ${summary.skipped} already here, ${wanted.length} to download`);

  // State writes are chained so concurrent downloads never write the file at once, and each lands in order.
  let stateWrites = Promise.resolve();
  let done = 0;
  const download = async (file: ExportFileEntry) => {
    try {
      // Checked before any byte is fetched: a key that would leave the folder is never downloaded.
      const target = localPathFor(options.outDir, file.key);
      const saved = await withRetries(
        async () => saveVerifiedFile(await openDownload(client, file), target, file.size, options.format),
        retryPolicy,
        onRetry,
      );
      if (saved.events !== file.events)
        throw new Error(`holds ${saved.events} events; the manifest says ${file.events}`);
      state.files[file.key] = { etag: file.etag ?? "", size: saved.bytes, events: saved.events };
      stateWrites = stateWrites.then(() => writePullState(options.outDir, state));
      await stateWrites;
      summary.downloaded++;
      summary.bytes += saved.bytes;
      summary.events += saved.events;
      reporter.progress(`[${++done}/${wanted.length}] ${file.key} (${saved.bytes} bytes, ${saved.events} events)`);
    } catch (error) {
      // A token that stopped working fails every other download too: stop the pull.
      if (error instanceof CollectorRefusal && (error.status === 401 || error.status === 403)) throw error;
      summary.failed++;
      reporter.progress(
        `[${++done}/${wanted.length}] FAILED ${file.key}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  await inParallel(wanted, options.concurrency, download);
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

export function formatSummary(summary: PullSummary): string {
  const rate =
    summary.seconds > 0 && summary.bytes > 0 ? ` (${(summary.bytes / 1e6 / summary.seconds).toFixed(2)} MB/s)` : "";
  return (
    `pulled ${summary.downloaded} files, skipped ${summary.skipped}, failed ${summary.failed}: ` +
    `${summary.bytes} bytes, ${summary.events} events in ${summary.seconds.toFixed(1)} s${rate}`
  );
}

async function listAll(
  client: CollectorClient,
  options: PullOptions,
  retryPolicy: RetryPolicy,
  onRetry: (error: Error, attempt: number, delayMs: number) => void,
  reporter: PullReporter,
): Promise<ExportFileEntry[]> {
  const files: ExportFileEntry[] = [];
  let cursor: string | null = null;
  do {
    const page = await withRetries(
      () => listPage(client, { since: options.since, until: options.until, format: options.format }, cursor),
      retryPolicy,
      onRetry,
    );
    files.push(...page.files);
    cursor = page.cursor;
    if (cursor !== null) reporter.progress(`listed ${files.length} files so far`);
  } while (cursor !== null);
  return files;
}

/** Pulled before with the same etag, and still on disk at the size it had. */
async function alreadyPulled(state: PullState, file: ExportFileEntry, outDir: string): Promise<boolean> {
  const pulled = state.files[file.key];
  if (!pulled || file.etag === null || pulled.etag !== file.etag) return false;
  try {
    return (await stat(localPathFor(outDir, file.key))).size === pulled.size;
  } catch {
    return false;
  }
}

async function inParallel<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}
