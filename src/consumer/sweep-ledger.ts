/**
 * The D1 statements of the cron purge: forget dedupe claims older than the window, and find and forget export
 * files that never committed. Each statement covers a bounded slice, so one run never holds D1 for long.
 * @module
 */
import type { D1Usage } from "./d1-usage.js";

/**
 * event_claims has no index on claimed_at (an index entry is a row written per claim and per purge, a thousand
 * times the price of a row read), so the purge finds expired claims by scanning a range of the primary key. The
 * hourly cron takes one of 24 slices of the eventid range per run, each slice once a day: a claim is purged
 * within a day after the window ends, never before. Event ids are UUIDs, i.e. uniformly spread hex, so each
 * slice holds 1/24 of the claims and a day's runs read the table once.
 */
export const CLAIM_SLICES = 24;
/**
 * Statements per slice: each scans 1/384 of the table. A 10 GB database (D1's maximum) holds at most ~55 million
 * claims (~186 bytes each), so a statement scans ~150,000 rows at worst, far inside D1's 30 s per query.
 */
const STATEMENTS_PER_SLICE = 16;
/** Ids compare as text by their first 4 hex digits' range: 65,536 values, enough for 384 near-equal ranges. */
const PREFIX_VALUES = 0x10000;
/** Sorts after every eventid (and any UTF-8 text not starting with U+10FFFF), so the last range has no gap. */
const ABOVE_EVERY_ID = "\u{10FFFF}";

export interface IdRange {
  /** Inclusive. */
  from: string;
  /** Exclusive. */
  below: string;
}

/**
 * The contiguous ranges of eventid that make up slice `slice` (0 ≤ slice < CLAIM_SLICES). Together the slices
 * cover every text: the first starts at '' and the last ends above every id, so no claim is ever missed.
 */
export function claimSliceRanges(slice: number): IdRange[] {
  if (!Number.isInteger(slice) || slice < 0 || slice >= CLAIM_SLICES) throw new Error(`no claim slice ${slice}`);
  const ranges = CLAIM_SLICES * STATEMENTS_PER_SLICE;
  const boundary = (index: number): string => {
    if (index === 0) return "";
    if (index === ranges) return ABOVE_EVERY_ID;
    return Math.floor((index * PREFIX_VALUES) / ranges)
      .toString(16)
      .padStart(4, "0");
  };
  return Array.from({ length: STATEMENTS_PER_SLICE }, (_, offset) => {
    const index = slice * STATEMENTS_PER_SLICE + offset;
    return { from: boundary(index), below: boundary(index + 1) };
  });
}

/**
 * Deletes the claims of slice `slice` made before `claimedBefore` (epoch ms); returns how many. One statement per
 * range, not one transaction: a delete is final either way, and D1 serves the consumer between them.
 */
export async function purgeExpiredClaims(
  db: D1Database,
  slice: number,
  claimedBefore: number,
  usage: D1Usage,
): Promise<number> {
  const statement = db.prepare("DELETE FROM event_claims WHERE eventid >= ?1 AND eventid < ?2 AND claimed_at < ?3");
  let purged = 0;
  for (const range of claimSliceRanges(slice)) {
    const result = await statement.bind(range.from, range.below, claimedBefore).run();
    usage.record(result);
    purged += result.meta.changes;
  }
  return purged;
}

/** Keys of files that are abandoned, or pending since before `createdBefore` (no attempt lives that long). */
export async function staleFileKeys(
  db: D1Database,
  createdBefore: number,
  limit: number,
  usage: D1Usage,
): Promise<string[]> {
  const result = await db
    .prepare(
      `SELECT key FROM export_files
       WHERE state IN ('pending', 'abandoned') AND created_at < ?1
       ORDER BY created_at LIMIT ?2`,
    )
    .bind(createdBefore, limit)
    .all<{ key: string }>();
  usage.record(result);
  return result.results.map((row) => row.key);
}

/**
 * Deletes the rows of files that never committed; committed files are kept. Their claims stay: finding them
 * would need an index on file_key (a written row per claim) or a full scan, and they are harmless, since a claim
 * naming no committed file is taken over by the next claim of its id (legacy-claims.ts abandons pending holders); the age purge removes
 * them.
 */
export async function forgetUncommittedFiles(db: D1Database, keys: readonly string[], usage: D1Usage): Promise<void> {
  const result = await db
    .prepare("DELETE FROM export_files WHERE key IN (SELECT value FROM json_each(?1)) AND state <> 'committed'")
    .bind(JSON.stringify(keys))
    .run();
  usage.record(result);
}
