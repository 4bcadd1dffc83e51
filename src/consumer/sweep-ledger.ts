// The D1 statements of the cron purge: forget dedupe claims older than the window, and find and forget export
// files that never committed. Deletes run in bounded chunks so one run never holds D1 for long.
import type { D1Usage } from "./d1-usage.js";

const CLAIMS_PER_DELETE = 10_000;
const MAX_CLAIM_DELETES_PER_RUN = 50;

/** Deletes claims made before `claimedBefore` (epoch ms); returns how many. */
export async function purgeExpiredClaims(db: D1Database, claimedBefore: number, usage: D1Usage): Promise<number> {
  const statement = db
    .prepare(
      `DELETE FROM event_claims WHERE eventid IN (
         SELECT eventid FROM event_claims WHERE claimed_at < ?1 LIMIT ?2)`,
    )
    .bind(claimedBefore, CLAIMS_PER_DELETE);
  let purged = 0;
  for (let round = 0; round < MAX_CLAIM_DELETES_PER_RUN; round++) {
    const result = await statement.run();
    usage.record(result);
    purged += result.meta.changes;
    if (result.meta.changes < CLAIMS_PER_DELETE) break;
  }
  return purged;
}

/** Keys of files that are abandoned, or pending since before `createdBefore` (no attempt lives that long). */
export async function staleFileKeys(db: D1Database, createdBefore: number, limit: number, usage: D1Usage): Promise<string[]> {
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

/** Deletes the claims and rows of files that never committed, in one transaction; committed files are kept. */
export async function forgetUncommittedFiles(db: D1Database, keys: readonly string[], usage: D1Usage): Promise<void> {
  const json = JSON.stringify(keys);
  const uncommitted = "SELECT key FROM export_files WHERE key IN (SELECT value FROM json_each(?1)) AND state <> 'committed'";
  const results = await db.batch([
    db.prepare(`DELETE FROM event_claims WHERE file_key IN (${uncommitted})`).bind(json),
    db.prepare(`DELETE FROM export_files WHERE key IN (${uncommitted})`).bind(json),
  ]);
  usage.record(results);
}
