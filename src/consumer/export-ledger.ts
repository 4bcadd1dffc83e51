/**
 * The D1 statements of the exactly-once protocol (see export-tenant-group.ts): claim event ids for a new file,
 * rename a pending file, commit it, or discard it. Event ids travel as JSON array parameters read with
 * json_each, never one statement or one bound parameter per event.
 * event_claims has no index but its primary key, eventid (migrations/0006): D1 bills a written row per index an
 * insert touches, so every statement here finds a file's claims through the ids the caller holds, never by
 * file_key.
 * @module
 */
import { inChunks } from "../core/foundation/in-chunks.js";
import type { EventTypeCounts } from "../core/exports/event-type-counts.js";
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
  // leaves it out: what comes back is exactly the ids this file holds. A claim whose file row is gone (the
  // sweeper forgets files that never committed but leaves their claims to the age purge) reads a NULL state,
  // which IS NOT 'committed': it is taken over like the claim of a pending or abandoned file. `WHERE true`
  // tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join in the SELECT.
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
 * `eventIds` are the ids the file claimed. If the file is no longer pending nothing moves, and its commit will
 * fail.
 */
export async function renamePendingFile(
  db: D1Database,
  from: string,
  to: string,
  eventIds: readonly string[],
  usage: D1Usage,
): Promise<void> {
  const moveClaims = inChunks(eventIds, IDS_PER_STATEMENT).map((ids) =>
    db
      .prepare(
        `UPDATE event_claims SET file_key = ?2
         WHERE eventid IN (SELECT value FROM json_each(?3)) AND file_key = ?1
           AND EXISTS (SELECT 1 FROM export_files WHERE key = ?2 AND state = 'pending')`,
      )
      .bind(from, to, JSON.stringify(ids)),
  );
  const results = await db.batch([
    db.prepare("UPDATE export_files SET key = ?2 WHERE key = ?1 AND state = 'pending'").bind(from, to),
    ...moveClaims,
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
 * claimed. `eventIds` are those ids (as many as `facts.events`). Returns false when it does not (a later attempt
 * took its claims); throws when D1 does.
 * `alongside` runs after the commit in the same transaction (the insights rollups, which apply only if the
 * commit did: see src/consumer/insight-rollups.ts).
 */
export async function commitExportFile(
  db: D1Database,
  facts: CommittedFacts,
  eventIds: readonly string[],
  usage: D1Usage,
  alongside: readonly D1PreparedStatement[] = [],
): Promise<boolean> {
  // The check and the state change must be one statement (the rollups' "IF committed" relies on it), so a file
  // of more than IDS_PER_STATEMENT ids adds up one count per chunk, each chunk its own JSON parameter.
  const chunks = idChunkParameters(eventIds, COMMIT_FIRST_CHUNK_PARAMETER);
  const commit = db
    .prepare(
      `UPDATE export_files
       SET state = 'committed', events = ?2, bytes = ?3, first_receivedat = ?4, last_receivedat = ?5, committed_at = ?6,
           etag = ?7, type_counts = ?8
       WHERE key = ?1 AND state = 'pending'
         AND ${sumOfClaims(chunks.placeholders)} = ?2`,
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
      ...chunks.values,
    );
  const [result, ...others] = alongside.length === 0 ? [await commit.run()] : await db.batch([commit, ...alongside]);
  usage.record([result!, ...others]);
  return result!.meta.changes === 1;
}

/** Step 3: forgets a pending file that claimed nothing (all its events, `eventIds`, were duplicates). */
export async function discardEmptyFile(
  db: D1Database,
  key: string,
  eventIds: readonly string[],
  usage: D1Usage,
): Promise<void> {
  const chunks = idChunkParameters(eventIds, 2);
  const result = await db
    .prepare(
      `DELETE FROM export_files WHERE key = ?1 AND state = 'pending' AND ${sumOfClaims(chunks.placeholders)} = 0`,
    )
    .bind(key, ...chunks.values)
    .run();
  usage.record(result);
}

/** commitExportFile binds 8 values before its id chunks. */
const COMMIT_FIRST_CHUNK_PARAMETER = 9;
/** D1's limit on bound parameters per statement. */
const D1_MAX_PARAMETERS = 100;

interface IdChunkParameters {
  /** `?n` of each chunk's JSON array, in order. */
  placeholders: string[];
  values: string[];
}

/**
 * The ids as JSON arrays of IDS_PER_STATEMENT, numbered from parameter `first`. A consumer batch holds far fewer
 * ids than the ~90 chunks (450,000 ids) a statement can take; past that the statement could not be written.
 */
function idChunkParameters(eventIds: readonly string[], first: number): IdChunkParameters {
  const values = inChunks(eventIds, IDS_PER_STATEMENT).map((ids) => JSON.stringify(ids));
  if (values.length === 0) values.push("[]");
  if (first - 1 + values.length > D1_MAX_PARAMETERS) {
    throw new Error(`${eventIds.length} event ids are more than one D1 statement can check`);
  }
  return { placeholders: values.map((_, index) => `?${first + index}`), values };
}

/** How many of the ids in the chunks are claimed by the file `?1`: primary key lookups, no index on file_key. */
function sumOfClaims(placeholders: readonly string[]): string {
  const counts = placeholders.map(
    (placeholder) =>
      `(SELECT count(*) FROM event_claims WHERE eventid IN (SELECT value FROM json_each(${placeholder})) AND file_key = ?1)`,
  );
  return `(${counts.join(" + ")})`;
}
