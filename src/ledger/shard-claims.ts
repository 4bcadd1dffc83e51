/**
 * The exactly-once protocol's ledger steps inside one shard (see src/consumer/export-tenant-group.ts): claim the
 * sequence numbers of a new file, commit it. Each runs in one synchronous SQLite transaction of the Durable
 * Object, which handles one call at a time, so a claim and a commit never interleave with another.
 *  - CLAIM: for each session, the runs that overlap the given numbers are read. A number inside a run of a
 *    committed file is a duplicate. Any other run it falls in is void (its file is pending, abandoned, swept or
 *    aged out): that run row is deleted and its file, if pending, abandoned (it can never commit). The numbers
 *    left are the file's: one run row per run of consecutive numbers, and one pending file row named after the
 *    earliest of its events. Nothing left: no row at all, and the caller acks.
 *  - COMMIT: the file becomes committed only if it is still pending. A later claim that took any of its numbers
 *    abandoned it, so "still pending" is "still holds all it claimed"; a swept or aged-out file has no pending row.
 *    Its facts (the manifest) and its events' rollups are written in the same transaction.
 * @module
 */
import { exportKey } from "../core/exports/export-key.js";
import type {
  ClaimRequest,
  ClaimResult,
  CommitRequest,
  CommittedFacts,
  CommittedFile,
  LedgerUsage,
} from "../core/exports/ledger-protocol.js";
import { distinctAscending, runIndexOf, runsOf, type SequenceRun } from "../core/exports/sequence-runs.js";
import type { MeteredSql } from "./sql-usage.js";
import { addRollups } from "./shard-rollups.js";

/** File ids are epoch ms × this plus a counter: they grow with time and are never reused. */
export const FILE_IDS_PER_MS = 1000;

interface StoredRun extends SequenceRun {
  fileId: number;
  state: string | null;
  facts: string | null;
  key: string | null;
}

export function claimRuns(
  sql: MeteredSql,
  request: ClaimRequest,
  now: number,
): Omit<ClaimResult, "usage" | "databaseBytes"> {
  const claimedEvents = new Set<number>();
  const voidRuns: Array<{ session: string; first: number; fileId: number; state: string | null }> = [];
  const heldBy = new Map<number, CommittedFile>();
  const newRuns: Array<{ session: string; runs: SequenceRun[] }> = [];

  for (const [sessionIndex, events] of eventsBySession(request)) {
    const session = request.sessions[sessionIndex]!;
    const numbers = distinctAscending(events.map((event) => request.sequence[event]!));
    const stored = overlappingRuns(sql, session, numbers[0]!, numbers.at(-1)!);
    const holder = runIndexOf(numbers, stored);
    const ours = new Set<number>();
    const voided = new Set<number>();
    numbers.forEach((number, position) => {
      const run = stored[holder[position]!];
      if (run?.state === "committed") {
        heldBy.set(run.fileId, { key: run.key!, facts: JSON.parse(run.facts!) as CommittedFacts });
        return;
      }
      ours.add(number);
      if (run) voided.add(holder[position]!);
    });
    for (const index of voided) {
      const run = stored[index]!;
      voidRuns.push({ session, first: run.first, fileId: run.fileId, state: run.state });
    }
    for (const event of events) if (ours.has(request.sequence[event]!)) claimedEvents.add(event);
    if (ours.size > 0) newRuns.push({ session, runs: runsOf([...ours]) });
  }

  for (const run of voidRuns) sql.run("DELETE FROM runs WHERE session = ?1 AND first = ?2", run.session, run.first);
  const pendingHolders = [...new Set(voidRuns.filter((run) => run.state === "pending").map((run) => run.fileId))];
  const abandonedKeys = pendingHolders.flatMap((fileId) =>
    sql
      .all<{ key: string }>(
        "UPDATE files SET state = 'abandoned' WHERE id = ?1 AND state = 'pending' RETURNING key",
        fileId,
      )
      .map((row) => row.key),
  );

  const claimed = [...claimedEvents].sort((a, b) => a - b);
  const first = claimed[0];
  if (first === undefined) return { key: null, claimed, abandonedKeys, heldBy: [...heldBy.values()] };
  const key = exportKey({
    tenant: request.tenant,
    writtenAt: new Date(request.writtenAt),
    firstReceivedAt: request.receivedAt[first]!,
    fileId: request.fileId,
  });
  const fileId = nextFileId(sql, now);
  sql.run("INSERT INTO files (id, key, state, created_at) VALUES (?1, ?2, 'pending', ?3)", fileId, key, now);
  for (const { session, runs } of newRuns) {
    for (const run of runs) {
      sql.run(
        "INSERT INTO runs (session, first, last, file_id) VALUES (?1, ?2, ?3, ?4)",
        session,
        run.first,
        run.last,
        fileId,
      );
    }
  }
  return { key, claimed, abandonedKeys, heldBy: [...heldBy.values()] };
}

export function commitFile(sql: MeteredSql, request: CommitRequest): boolean {
  const committed = sql.all(
    "UPDATE files SET state = 'committed', facts = ?2 WHERE key = ?1 AND state = 'pending' RETURNING id",
    request.key,
    JSON.stringify(request.facts),
  );
  if (committed.length === 0) return false;
  addRollups(sql, request.rollups, "received");
  if (request.lateRollups) {
    addRollups(sql, request.lateRollups.received, "received_late");
    addRollups(sql, request.lateRollups.event, "event_late");
  }
  return true;
}

export function emptyUsage(): LedgerUsage {
  return { rowsRead: 0, rowsWritten: 0 };
}

function eventsBySession(request: ClaimRequest): Map<number, number[]> {
  const bySession = new Map<number, number[]>();
  request.sessionOf.forEach((session, event) => {
    const events = bySession.get(session);
    if (events) events.push(event);
    else bySession.set(session, [event]);
  });
  return bySession;
}

/**
 * The stored runs of `session` that overlap [lowest, highest], ascending. Runs of a session are disjoint, so
 * walking down from the last run that starts at or below `highest` may stop at the first that ends below
 * `lowest`: a session that counts up reads one or two rows, whatever its history.
 */
function overlappingRuns(sql: MeteredSql, session: string, lowest: number, highest: number): StoredRun[] {
  const rows = sql.until<{
    first: number;
    last: number;
    file_id: number;
    state: string | null;
    facts: string | null;
    key: string | null;
  }>(
    `SELECT run.first, run.last, run.file_id, file.state, file.facts, file.key
     FROM runs AS run LEFT JOIN files AS file ON file.id = run.file_id
     WHERE run.session = ?1 AND run.first <= ?2 ORDER BY run.first DESC`,
    [session, highest],
    (row) => row.last >= lowest,
  );
  return rows.reverse().map((row) => ({
    first: row.first,
    last: row.last,
    fileId: row.file_id,
    state: row.state,
    facts: row.facts,
    key: row.key,
  }));
}

function nextFileId(sql: MeteredSql, now: number): number {
  const [latest] = sql.all<{ id: number }>("SELECT id FROM files ORDER BY id DESC LIMIT 1");
  return Math.max(now * FILE_IDS_PER_MS, (latest?.id ?? 0) + 1);
}
