/**
 * The cron job (hourly, wrangler.toml): purge dedupe claims older than DEDUPE_WINDOW_DAYS, and sweep files that
 * never committed (abandoned, or pending for over an hour): their objects first, then their rows, so a failure
 * part-way leaves rows that the next run finds again. Logs one `purge` line.
 * Each run purges the claims of one slice of the eventid range, chosen by the UTC hour it is scheduled for, so
 * the 24 runs of a day cover every claim once: the window is enforced to within a day (a claim lives between
 * DEDUPE_WINDOW_DAYS and DEDUPE_WINDOW_DAYS + 1 days; a run that fails or is skipped delays its slice a day more).
 * @module
 */
import { readConfig } from "../core/foundation/config.js";
import { logError, logInfo } from "../core/foundation/log.js";
import { D1Usage } from "./d1-usage.js";
import { CLAIM_SLICES, forgetUncommittedFiles, purgeExpiredClaims, staleFileKeys } from "./sweep-ledger.js";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Far beyond any one consumer attempt (15 minutes at most), so a pending file this old is dead. */
export const STALE_PENDING_MS = HOUR_MS;
const FILES_PER_SWEEP = 500;
const MAX_SWEEPS_PER_RUN = 20;

export type PurgeBindings = Pick<Env, "EXPORTS" | "DB" | "DEDUPE_WINDOW_DAYS">;

export async function purgeExports(env: PurgeBindings, now: number): Promise<void> {
  const started = Date.now();
  const usage = new D1Usage();
  const dedupeWindowDays = readConfig(env).dedupeWindowDays;
  const claimSlice = claimSliceAt(now);
  let claimsPurged = 0;
  let filesSwept = 0;
  try {
    claimsPurged = await purgeExpiredClaims(env.DB, claimSlice, now - dedupeWindowDays * DAY_MS, usage);
    for (let sweep = 0; sweep < MAX_SWEEPS_PER_RUN; sweep++) {
      const keys = await staleFileKeys(env.DB, now - STALE_PENDING_MS, FILES_PER_SWEEP, usage);
      if (keys.length === 0) break;
      await env.EXPORTS.delete(keys);
      await forgetUncommittedFiles(env.DB, keys, usage);
      filesSwept += keys.length;
    }
  } catch (error) {
    logError("purge", { claim_slice: claimSlice, claims_purged: claimsPurged, files_swept: filesSwept }, error);
    return;
  }
  logInfo("purge", {
    dedupe_window_days: dedupeWindowDays,
    claim_slice: claimSlice,
    claims_purged: claimsPurged,
    files_swept: filesSwept,
    d1_rows_read: usage.rowsRead,
    d1_rows_written: usage.rowsWritten,
    duration_ms: Date.now() - started,
  });
}

/** The slice of claims the run scheduled at `scheduledTime` purges: its UTC hour (CLAIM_SLICES is 24). */
export function claimSliceAt(scheduledTime: number): number {
  return Math.floor(scheduledTime / HOUR_MS) % CLAIM_SLICES;
}
