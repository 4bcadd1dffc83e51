/**
 * What the consumer and the edge ask of a ledger shard (the ExportLedgerShard Durable Object, src/ledger/) and
 * what it answers: plain data that crosses the RPC boundary.
 * @module
 */
import type { CountRow, SketchRow } from "../insights/insight-summary.js";
import type { CountIncrement, RollupAxis, RollupIncrements } from "../insights/insight-rollup.js";
import type { EventTypeCounts } from "./event-type-counts.js";
import type { ExportFileEntry } from "./export-listing.js";

/** Rows a shard's SQLite read and wrote for one call: what Durable Objects bill, like D1. */
export interface LedgerUsage {
  rowsRead: number;
  rowsWritten: number;
}

/**
 * Step 1 of the protocol (src/consumer/export-tenant-group.ts) for one file of one shard. Events are given in
 * received order as parallel arrays: the index of the event's session key in `sessions`, its sequence number,
 * its receivedat.
 */
export interface ClaimRequest extends SessionNumbers {
  tenant: string;
  /** The uuid of the file's name. */
  fileId: string;
  /** When the file is written (epoch ms): its folders and T{HH}{MM}. */
  writtenAt: number;
  receivedAt: string[];
}

/**
 * Events as parallel arrays: the index of each event's session key in `sessions` and its sequence number; and
 * `stepFrom`, when the shard count the consumer routed them by took effect (src/core/exports/shard-schedule.ts).
 */
export interface SessionNumbers {
  sessions: string[];
  sessionOf: number[];
  sequence: number[];
  stepFrom: number;
}

/**
 * The hand-over of sessions a later shard count moved away from this shard (src/core/exports/shard-schedule.ts):
 * which of the events a committed file here holds; pending files here holding any are abandoned, and the sessions
 * are sealed against claims routed by a count older than `stepFrom`.
 */
export type SealRequest = SessionNumbers;

export interface SealResult {
  /** Indices (into the request's events) of the events a committed file of this shard holds: duplicates. */
  committed: number[];
  abandonedKeys: string[];
  heldBy: CommittedFile[];
  usage: LedgerUsage;
}

export interface ClaimResult {
  /** The file's key, named after the earliest event it holds; null when every event is already exported. */
  key: string | null;
  /** Indices (into the request's events) of the events the file now holds; the others are duplicates. */
  claimed: number[];
  /** Objects of pending files that held some of the events: they can no longer commit. */
  abandonedKeys: string[];
  /** Committed files that hold some of the given events (for the delivery hook to be run again). */
  heldBy: CommittedFile[];
  usage: LedgerUsage;
  /** The shard's SQLite size after the claim: the `batch` line reports the largest (a shard holds 10 GB). */
  databaseBytes: number;
}

/** What the manifest records of a committed file. */
export interface CommittedFacts {
  events: number;
  bytes: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  committedAt: number;
  /** R2's etag of the object: the pull API lists it and serves it as the ETag. */
  etag: string;
  typeCounts: EventTypeCounts;
  /** Events that happened (eventtime) on a UTC day before the file's day folder; absent from files of before. */
  earlierDayEvents?: number;
  /** Set when a privacy erasure removed every line (docs/privacy.md): the object is gone, the file unlisted. */
  erasedAt?: number;
}

/**
 * A privacy erasure changed a committed file (docs/privacy.md): its new etag, size and counts, or `erasedAt`
 * when no line is left. The row stays committed, so its runs still make a resent event a duplicate.
 */
export interface ErasedFileRequest {
  key: string;
  change:
    | Pick<
        CommittedFacts,
        "etag" | "bytes" | "events" | "typeCounts" | "firstReceivedAt" | "lastReceivedAt" | "earlierDayEvents"
      >
    | { erasedAt: number };
}

export interface CommittedFile {
  key: string;
  facts: CommittedFacts;
}

export interface CommitRequest {
  key: string;
  facts: CommittedFacts;
  /**
   * The insights rollups of the file's events (received minutes and on-time days): applied in the commit's
   * transaction, so only if it commits.
   */
  rollups: RollupIncrements;
  /**
   * Its late events (src/core/insights/insight-rollup.ts) by the day received and by the day they happened,
   * applied likewise; absent from older consumers, whose late events count as on time.
   */
  lateRollups?: { received: RollupIncrements; event: RollupIncrements };
}

export interface CommitResult {
  committed: boolean;
  usage: LedgerUsage;
}

/** Committed files of the shard with keys in [fromKey, belowKey) and after afterKey, in key order. */
export interface FileListRequest {
  fromKey: string;
  belowKey: string;
  afterKey: string;
  limit: number;
}

export interface DayFiles {
  files: ExportFileEntry[];
  /** Events by type over the day's files. */
  types: Record<string, number>;
  /** Events of the day's files that happened on an earlier day. */
  earlierDayEvents: number;
}

/** The rollups of a range, added up per period (counts) and merged per period (sketches) within the shard. */
export interface RollupRequest {
  /** Which time axis; absent (an older edge) is received. */
  axis?: RollupAxis;
  grain: string;
  firstBucket: string;
  lastBucket: string;
  /** Characters of a bucket that name its period (10 = a day, 7 = a month, 16 = a minute). */
  periodLength: number;
}

export interface RollupRows {
  counts: CountRow[];
  sketches: SketchRow[];
}

export interface ShardStats {
  databaseBytes: number;
  /** Runs in all its run tables. */
  runs: number;
  /** Rows per run table: day tables `runs_yyyymmdd` and, in a shard of before them, the legacy `runs`. */
  runTables: Record<string, number>;
  /** Files in all its files tables. */
  files: number;
  /** Rows per files table: day tables `files_yyyymmdd` and, in a shard of before them, the legacy `files`. */
  fileTables: Record<string, number>;
  rollups: number;
  /** Sessions handed over to another shard, kept sealed here for the dedupe window. */
  sealed: number;
}

export type StorageKind = "runs" | "files" | "minuteRollups" | "dayRollups" | "other";

/** A shard's rows and their bytes by kind (src/ledger/shard-storage.ts), and its SQLite file's size. */
export interface ShardStorage {
  databaseBytes: number;
  kinds: Record<StorageKind, { rows: number; bytes: number }>;
}

/** Request reports sent without events, each counted once by its id (src/ledger/shard-reports.ts). */
export interface ReportsRequest {
  reports: Array<{ id: string; counts: CountIncrement[] }>;
}

export interface ReportsResult {
  /** How many of the reports were counted now (the others had been). */
  counted: number;
  usage: LedgerUsage;
}
