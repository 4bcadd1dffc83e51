// The cron job: purge dedupe claims older than DEDUPE_WINDOW_DAYS, and sweep files that never committed
// (abandoned, or pending for over an hour): their objects first, then their claims and rows, so a failure
// part-way leaves rows that the next run finds again. Logs one `purge` line.
import { readConfig } from "../core/config.js";
import { logError, logInfo } from "../core/log.js";
import { D1Usage } from "./d1-usage.js";
import { forgetUncommittedFiles, purgeExpiredClaims, staleFileKeys } from "./sweep-ledger.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Far beyond any one consumer attempt (15 minutes at most), so a pending file this old is dead. */
export const STALE_PENDING_MS = 60 * 60 * 1000;
const FILES_PER_SWEEP = 500;
const MAX_SWEEPS_PER_RUN = 20;

export type PurgeBindings = Pick<Env, "EXPORTS" | "DB" | "DEDUPE_WINDOW_DAYS">;

export async function purgeExports(env: PurgeBindings, now: number): Promise<void> {
  const started = Date.now();
  const usage = new D1Usage();
  const dedupeWindowDays = readConfig(env).dedupeWindowDays;
  let claimsPurged = 0;
  let filesSwept = 0;
  try {
    claimsPurged = await purgeExpiredClaims(env.DB, now - dedupeWindowDays * DAY_MS, usage);
    for (let sweep = 0; sweep < MAX_SWEEPS_PER_RUN; sweep++) {
      const keys = await staleFileKeys(env.DB, now - STALE_PENDING_MS, FILES_PER_SWEEP, usage);
      if (keys.length === 0) break;
      await env.EXPORTS.delete(keys);
      await forgetUncommittedFiles(env.DB, keys, usage);
      filesSwept += keys.length;
    }
  } catch (error) {
    logError("purge", { claims_purged: claimsPurged, files_swept: filesSwept }, error);
    return;
  }
  logInfo("purge", {
    dedupe_window_days: dedupeWindowDays,
    claims_purged: claimsPurged,
    files_swept: filesSwept,
    d1_rows_read: usage.rowsRead,
    d1_rows_written: usage.rowsWritten,
    duration_ms: Date.now() - started,
  });
}
