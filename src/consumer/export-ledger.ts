// The D1 statements of the exactly-once protocol (see export-tenant-group.ts): claim event ids for a new file,
// rename a pending file, commit it, or discard it. Event ids travel as one JSON array parameter read with
// json_each, never one statement or one bound parameter per event.
import type { EventTypeCounts } from "../core/event-type-counts.js";
import type { D1Usage } from "./d1-usage.js";

/** Ids per JSON parameter: ~200 KB of text, far inside D1's limits on a bound value and a statement's time. */
const IDS_PER_STATEMENT = 5_000;

export interface NewExportFile {
  key: string;
  tenant: string;
  day: string;
  createdAt: number;
}

export interface Claim {
  /** The ids the new file now holds; every other id given is already in a committed file. */
  claimed: Set<string>;
  /** Pending files of earlier or concurrent attempts that held some of the ids: they can no longer commit. */
  abandonedKeys: string[];
}

/** Step 1 of the protocol, in one D1 batch (one transaction). */
export async function claimEventIds(
  db: D1Database,
  file: NewExportFile,
  eventIds: readonly string[],
  usage: D1Usage,
): Promise<Claim> {
  const idChunks = inChunks(eventIds, IDS_PER_STATEMENT).map((ids) => JSON.stringify(ids));
  const insertPending = db
    .prepare("INSERT INTO export_files (key, tenant, day, state, created_at) VALUES (?1, ?2, ?3, 'pending', ?4)")
    .bind(file.key, file.tenant, file.day, file.createdAt);
  const abandonHolders = idChunks.map((ids) =>
    db
      .prepare(
        `UPDATE export_files SET state = 'abandoned'
         WHERE state = 'pending'
           AND key IN (SELECT file_key FROM event_claims WHERE eventid IN (SELECT value FROM json_each(?1)))
         RETURNING key`,
      )
      .bind(ids),
  );
  // An id already claimed by a committed file keeps its claim (DO UPDATE ... WHERE is false), and RETURNING
  // leaves it out: what comes back is exactly the ids this file holds. `WHERE true` tells SQLite's parser that
  // ON CONFLICT belongs to the INSERT, not to a join in the SELECT.
  const claim = idChunks.map((ids) =>
    db
      .prepare(
        `INSERT INTO event_claims (eventid, file_key, claimed_at)
         SELECT DISTINCT value, ?1, ?2 FROM json_each(?3) WHERE true
         ON CONFLICT (eventid) DO UPDATE SET file_key = excluded.file_key, claimed_at = excluded.claimed_at
           WHERE (SELECT state FROM export_files WHERE key = event_claims.file_key) IS NOT 'committed'
         RETURNING eventid`,
      )
      .bind(file.key, file.createdAt, ids),
  );
  const results = await db.batch<{ key: string; eventid: string }>([insertPending, ...abandonHolders, ...claim]);
  usage.record(results);
  const abandonResults = results.slice(1, 1 + abandonHolders.length);
  const claimResults = results.slice(1 + abandonHolders.length);
  return {
    claimed: new Set(claimResults.flatMap((result) => result.results.map((row) => row.eventid))),
    abandonedKeys: [...new Set(abandonResults.flatMap((result) => result.results.map((row) => row.key)))],
  };
}

/**
 * Renames a pending file and moves its claims with it, in one transaction. Needed when the earliest event of
 * the group turned out to be a duplicate: the name must carry the earliest receivedat of what the file holds.
 * If the file is no longer pending nothing moves, and its commit will fail.
 */
export async function renamePendingFile(db: D1Database, from: string, to: string, usage: D1Usage): Promise<void> {
  const results = await db.batch([
    db.prepare("UPDATE export_files SET key = ?2 WHERE key = ?1 AND state = 'pending'").bind(from, to),
    db
      .prepare(
        `UPDATE event_claims SET file_key = ?2
         WHERE file_key = ?1 AND EXISTS (SELECT 1 FROM export_files WHERE key = ?2 AND state = 'pending')`,
      )
      .bind(from, to),
  ]);
  usage.record(results);
}

export interface CommittedFacts {
  key: string;
  events: number;
  bytes: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  committedAt: number;
  /** R2's etag of the object: the pull API lists it and serves it as the ETag. */
  etag: string;
  typeCounts: EventTypeCounts;
}

/**
 * Step 5: makes the file the one of record for its events, if it is still pending and still holds every id it
 * claimed. Returns false when it does not (a later attempt took its claims); throws when D1 does.
 * `alongside` runs after the commit in the same transaction (the insights rollups, which apply only if the
 * commit did: see src/consumer/insight-rollups.ts).
 */
export async function commitExportFile(
  db: D1Database,
  facts: CommittedFacts,
  usage: D1Usage,
  alongside: readonly D1PreparedStatement[] = [],
): Promise<boolean> {
  const commit = db
    .prepare(
      `UPDATE export_files
       SET state = 'committed', events = ?2, bytes = ?3, first_receivedat = ?4, last_receivedat = ?5, committed_at = ?6,
           etag = ?7, type_counts = ?8
       WHERE key = ?1 AND state = 'pending'
         AND (SELECT count(*) FROM event_claims WHERE file_key = ?1) = ?2`,
    )
    .bind(
      facts.key,
      facts.events,
      facts.bytes,
      facts.firstReceivedAt,
      facts.lastReceivedAt,
      facts.committedAt,
      facts.etag,
      JSON.stringify(facts.typeCounts),
    );
  const [result, ...others] = alongside.length === 0 ? [await commit.run()] : await db.batch([commit, ...alongside]);
  usage.record([result!, ...others]);
  return result!.meta.changes === 1;
}

/** Step 3: forgets a pending file that claimed nothing (all its events were duplicates). */
export async function discardEmptyFile(db: D1Database, key: string, usage: D1Usage): Promise<void> {
  const result = await db
    .prepare(
      `DELETE FROM export_files
       WHERE key = ?1 AND state = 'pending' AND NOT EXISTS (SELECT 1 FROM event_claims WHERE file_key = ?1)`,
    )
    .bind(key)
    .run();
  usage.record(result);
}

export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
