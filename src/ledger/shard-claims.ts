/**
 * The exactly-once protocol's ledger steps inside one shard (see src/consumer/export-tenant-group.ts): claim the
 * sequence numbers of a new file, commit it. Each runs in one synchronous SQLite transaction of the Durable
 * Object, which handles one call at a time, so a claim and a commit never interleave with another.
 *  - CLAIM: for each session, the runs that overlap the given numbers are read. A number inside a run of a
 *    committed file is a duplicate. Any other run it falls in is void (its file is pending, abandoned, swept or
 *    aged out): that run row is deleted and its file, if pending, abandoned (it can never commit). The numbers
 *    left are the file's: one run row per run of consecutive numbers, and one pending file row named after the
 *    earliest of its events. Nothing left: no row at all, and the caller acks.
 *  - SEAL (only while a shard count change hands sessions over, src/core/exports/shard-schedule.ts): the claim's
 *    reading of the runs without a file of its own; the sessions are sealed against claims routed by older counts.
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
  SealRequest,
  SealResult,
  SessionNumbers,
} from "../core/exports/ledger-protocol.js";
import { distinctAscending, runIndexOf, runsOf, type SequenceRun } from "../core/exports/sequence-runs.js";
import type { MeteredSql } from "./sql-usage.js";
import { readDayTables } from "./day-tables.js";
import { abandonFile, commitPendingFile, dayOfFileId, FILES, insertPendingFile, nextFileId } from "./shard-files.js";
import { MINUTES } from "./shard-minute-tables.js";
import { addRollups } from "./shard-rollups.js";
import { addRuns, deleteRun, overlappingRuns, readRunTables, type RunTables } from "./shard-runs.js";

export function claimRuns(
  sql: MeteredSql,
  request: ClaimRequest,
  now: number,
): Omit<ClaimResult, "usage" | "databaseBytes"> {
  refuseSealedSessions(sql, request);
  const tables = readRunTables(sql);
  const scan = scanRuns(sql, tables, request);
  const abandonedKeys = voidRuns(sql, tables, scan.voidRuns);
  const heldBy = [...scan.heldBy.values()];
  const claimed = [...scan.claimable].sort((a, b) => a - b);
  const first = claimed[0];
  if (first === undefined) return { key: null, claimed, abandonedKeys, heldBy };
  const key = exportKey({
    tenant: request.tenant,
    writtenAt: new Date(request.writtenAt),
    firstReceivedAt: request.receivedAt[first]!,
    fileId: request.fileId,
  });
  const fileId = nextFileId(sql, tables.files, now);
  insertPendingFile(sql, tables.files, fileId, key, now);
  // The day of the file id's time, which the sweep ages runs by (shard-runs.ts), as it does the file's row.
  addRuns(sql, tables, dayOfFileId(fileId), fileId, scan.newRuns);
  return { key, claimed, abandonedKeys, heldBy };
}

/**
 * The hand-over of sessions a later shard count moved away (see the module header of
 * src/core/exports/shard-schedule.ts): the events a committed file of this shard holds are named, the void runs
 * of the others dropped and their pending files abandoned, and each session sealed, so that this shard holds
 * nothing of them that could still commit, and takes none of their events from a consumer routing by an older
 * count. Afterwards the new shard alone decides the rest.
 */
export function sealRuns(sql: MeteredSql, request: SealRequest, now: number): Omit<SealResult, "usage"> {
  const tables = readRunTables(sql);
  const scan = scanRuns(sql, tables, request);
  const abandonedKeys = voidRuns(sql, tables, scan.voidRuns);
  for (const session of request.sessions) {
    sql.run(
      `INSERT INTO sealed (session, step_from, sealed_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (session) DO UPDATE SET step_from = max(step_from, excluded.step_from), sealed_at = excluded.sealed_at`,
      session,
      request.stepFrom,
      now,
    );
  }
  const committed = request.sessionOf.map((_, event) => event).filter((event) => !scan.claimable.has(event));
  return { committed, abandonedKeys, heldBy: [...scan.heldBy.values()] };
}

/**
 * A claim routed by a count older than the one that moved a session away (an attempt in flight when the count
 * changed, or a Worker version not yet replaced) must not take its events here: the new shard may hold them.
 * It throws, so the consumer retries the messages (and routes them by the count in force then).
 */
function refuseSealedSessions(sql: MeteredSql, request: SessionNumbers): void {
  // Almost every shard holds no sealed session: one empty read, not one per session of the claim.
  if (sql.all("SELECT 1 FROM sealed LIMIT 1").length === 0) return;
  const sealed = sql.all(
    "SELECT 1 FROM sealed WHERE session IN (SELECT value FROM json_each(?1)) AND step_from > ?2",
    JSON.stringify(request.sessions),
    // A consumer of before the schedules sends none: it routes by the first step.
    request.stepFrom ?? 0,
  );
  if (sealed.length > 0) {
    throw new Error(`${sealed.length} sessions moved to another shard by a later shard count: retry with it`);
  }
}

interface RunScan {
  /** Events no committed file of the shard holds. */
  claimable: Set<number>;
  /** Their numbers as runs per session. */
  newRuns: Array<{ session: string; runs: SequenceRun[] }>;
  /** Stored runs those numbers fall in, of files that can never hold them (pending, abandoned, swept, aged). */
  voidRuns: Array<{ table: string; session: string; first: number; fileId: number; state: string | null }>;
  /** Committed files that hold some of the events. */
  heldBy: Map<number, CommittedFile>;
}

/** For each session, the runs that overlap its numbers: which numbers are committed here, and which runs are void. */
function scanRuns(sql: MeteredSql, tables: RunTables, request: SessionNumbers): RunScan {
  const scan: RunScan = { claimable: new Set(), newRuns: [], voidRuns: [], heldBy: new Map() };
  const sessions = [...eventsBySession(request)].map(([sessionIndex, events]) => ({
    session: request.sessions[sessionIndex]!,
    events,
    numbers: distinctAscending(events.map((event) => request.sequence[event]!)),
  }));
  const stored = overlappingRuns(
    sql,
    tables,
    sessions.map(({ session, numbers }) => ({ session, lowest: numbers[0]!, highest: numbers.at(-1)! })),
  );
  sessions.forEach(({ session, events, numbers }, index) => {
    const runs = stored[index]!;
    const holder = runIndexOf(numbers, runs);
    const ours = new Set<number>();
    const voided = new Set<number>();
    numbers.forEach((number, position) => {
      const run = runs[holder[position]!];
      if (run?.state === "committed") {
        scan.heldBy.set(run.fileId, { key: run.key!, facts: JSON.parse(run.facts!) as CommittedFacts });
        return;
      }
      ours.add(number);
      if (run) voided.add(holder[position]!);
    });
    for (const voidIndex of voided) {
      const run = runs[voidIndex]!;
      scan.voidRuns.push({ table: run.table, session, first: run.first, fileId: run.fileId, state: run.state });
    }
    for (const event of events) if (ours.has(request.sequence[event]!)) scan.claimable.add(event);
    if (ours.size > 0) scan.newRuns.push({ session, runs: runsOf([...ours]) });
  });
  return scan;
}

/** Deletes void runs and abandons their pending files (they can never commit); returns those files' keys. */
function voidRuns(sql: MeteredSql, tables: RunTables, runs: RunScan["voidRuns"]): string[] {
  for (const run of runs) deleteRun(sql, run);
  const pendingHolders = [...new Set(runs.filter((run) => run.state === "pending").map((run) => run.fileId))];
  return pendingHolders.flatMap((fileId) => abandonFile(sql, tables.files, fileId));
}

export function commitFile(sql: MeteredSql, request: CommitRequest, now: number): boolean {
  // The files and minute tables in one read of sqlite_schema, for this call only.
  const { [FILES]: files, [MINUTES]: minutes } = readDayTables(sql, [FILES, MINUTES]);
  if (!commitPendingFile(sql, files, request.key, JSON.stringify(request.facts))) return false;
  const minuteTableDays = new Set(minutes.days);
  addRollups(sql, request.rollups, "received", now, minuteTableDays);
  if (request.lateRollups) {
    addRollups(sql, request.lateRollups.received, "received_late", now, minuteTableDays);
    addRollups(sql, request.lateRollups.event, "event_late", now);
  }
  return true;
}

export function emptyUsage(): LedgerUsage {
  return { rowsRead: 0, rowsWritten: 0 };
}

function eventsBySession(request: SessionNumbers): Map<number, number[]> {
  const bySession = new Map<number, number[]>();
  request.sessionOf.forEach((session, event) => {
    const events = bySession.get(session);
    if (events) events.push(event);
    else bySession.set(session, [event]);
  });
  return bySession;
}
