/**
 * The D1 ledger of before the shards (event_claims and export_files, migrations/0001 and 0006), honoured until
 * its last claims age out (LEGACY_CLAIMS_UNTIL): an event id claimed by a committed D1 file is a duplicate, and a
 * pending D1 file that holds one of the ids is abandoned first, so an attempt of the old code still in flight
 * during the switch can no longer commit. One D1 batch of reads, which writes only when such a file exists.
 * @module
 */
import type { D1Usage } from "./d1-usage.js";

export interface LegacyClaims {
  /** Ids a committed D1 file holds. */
  exported: Set<string>;
  /** Objects of pending D1 files abandoned here (the cron's sweep of export_files deletes what is missed). */
  abandonedKeys: string[];
}

export async function honourLegacyClaims(
  db: D1Database,
  eventIds: readonly string[],
  usage: D1Usage,
): Promise<LegacyClaims> {
  const ids = JSON.stringify(eventIds);
  const results = await db.batch<{ key?: string; eventid?: string }>([
    db
      .prepare(
        `UPDATE export_files SET state = 'abandoned'
         WHERE state = 'pending'
           AND key IN (SELECT file_key FROM event_claims WHERE eventid IN (SELECT value FROM json_each(?1)))
         RETURNING key`,
      )
      .bind(ids),
    db
      .prepare(
        `SELECT claim.eventid FROM event_claims AS claim JOIN export_files AS file ON file.key = claim.file_key
         WHERE claim.eventid IN (SELECT value FROM json_each(?1)) AND file.state = 'committed'`,
      )
      .bind(ids),
  ]);
  usage.record(results);
  const [abandoned, exported] = results;
  return {
    exported: new Set((exported?.results ?? []).map((row) => row.eventid!)),
    abandonedKeys: (abandoned?.results ?? []).map((row) => row.key!),
  };
}
