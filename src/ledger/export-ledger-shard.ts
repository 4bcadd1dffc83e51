/**
 * The export ledger's Durable Object: one per (tenant, shard), named `{tenant}/{shard}` (src/core/exports/
 * ledger-shards.ts), with SQLite storage. It holds, for the sessions that hash to it, which sequence numbers each
 * export file holds (the dedupe record, as runs), the files' states and committed facts (the manifest) and the
 * insights rollups of its committed events. The consumer claims and commits through it
 * (src/consumer/export-tenant-group.ts); the pull API and the summaries read it. Its alarm sweeps files that
 * never committed and ages out old rows (shard-sweep.ts). No other tenant's data is ever in it.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type {
  ClaimRequest,
  ClaimResult,
  CommitRequest,
  CommitResult,
  DayFiles,
  ErasedFileRequest,
  FileListRequest,
  LedgerUsage,
  ReportsRequest,
  ReportsResult,
  RollupRequest,
  RollupRows,
  SealRequest,
  SealResult,
  ShardStats,
  ShardStorage,
} from "../core/exports/ledger-protocol.js";
import type { ExportFileEntry } from "../core/exports/export-listing.js";
import { readConfig } from "../core/foundation/config.js";
import { describeCause, logInfo, logWarn } from "../core/foundation/log.js";
import { claimRuns, commitFile, sealRuns } from "./shard-claims.js";
import { changeErasedFile, dayFiles, findFile, listFiles } from "./shard-manifest.js";
import { foldMinuteDays, readRollups } from "./shard-rollups.js";
import { minuteRowCount } from "./shard-minute-tables.js";
import { addReports } from "./shard-reports.js";
import { shardStorage } from "./shard-storage.js";
import { countRuns } from "./shard-runs.js";
import { countFiles, markSwept, readFileTables } from "./shard-files.js";
import { ensureShardSchema } from "./shard-schema.js";
import { expireOld, holdsAnything, staleFiles, SWEEP_INTERVAL_MS, type SweepOutcome } from "./shard-sweep.js";
import { MeteredSql } from "./sql-usage.js";

export class ExportLedgerShard extends DurableObject<Env> {
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ensureShardSchema(ctx.storage.sql);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const sql = this.metered();
    const result = this.ctx.storage.transactionSync(() => claimRuns(sql, request, Date.now()));
    if (result.key !== null) await this.keepAlarm();
    return { ...result, usage: sql.usage, databaseBytes: this.ctx.storage.sql.databaseSize };
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const sql = this.metered();
    const committed = this.ctx.storage.transactionSync(() => commitFile(sql, request, Date.now()));
    return { committed, usage: sql.usage };
  }

  /** Hands sessions over to the shard a later count put them in (src/core/exports/shard-schedule.ts). */
  async seal(request: SealRequest): Promise<SealResult> {
    const sql = this.metered();
    const result = this.ctx.storage.transactionSync(() => sealRuns(sql, request, Date.now()));
    await this.keepAlarm();
    return { ...result, usage: sql.usage };
  }

  /** Counts request reports that came without events (src/ledger/shard-reports.ts). */
  async addReports(request: ReportsRequest): Promise<ReportsResult> {
    const sql = this.metered();
    const counted = this.ctx.storage.transactionSync(() => addReports(sql, request, Date.now()));
    if (counted > 0) await this.keepAlarm();
    return { counted, usage: sql.usage };
  }

  /** A privacy erasure rewrote or emptied a file (src/consumer/erase-export-file.ts); false: not this shard's. */
  async changeErasedFile(request: ErasedFileRequest): Promise<boolean> {
    const sql = this.metered();
    return this.ctx.storage.transactionSync(() => changeErasedFile(sql, request));
  }

  async listFiles(request: FileListRequest): Promise<ExportFileEntry[]> {
    return listFiles(this.metered(), request);
  }

  async findFile(key: string): Promise<ExportFileEntry | null> {
    return findFile(this.metered(), key);
  }

  async dayFiles(dayPrefix: string): Promise<DayFiles> {
    return dayFiles(this.metered(), dayPrefix);
  }

  async readRollups(request: RollupRequest): Promise<RollupRows> {
    return readRollups(this.metered(), request);
  }

  async stats(): Promise<ShardStats> {
    const count = (table: string) =>
      this.ctx.storage.sql.exec<{ rows: number }>(`SELECT count(*) AS rows FROM ${table}`).one().rows;
    const runTables = countRuns(this.metered());
    const fileTables = countFiles(this.metered(), readFileTables(this.metered()));
    const sum = (tables: Record<string, number>) => Object.values(tables).reduce((total, rows) => total + rows, 0);
    return {
      databaseBytes: this.ctx.storage.sql.databaseSize,
      runs: sum(runTables),
      runTables,
      files: sum(fileTables),
      fileTables,
      rollups: count("rollups") + minuteRowCount(this.metered()),
      sealed: count("sealed"),
    };
  }

  /** Its rows and bytes by kind (the bench prices each kind for its retention); reads every row. */
  async storage(): Promise<ShardStorage> {
    return shardStorage(this.metered(), this.ctx.storage.sql.databaseSize);
  }

  /** The alarm's work, callable with another clock (the tests and the bench age a shard this way). */
  async sweep(now: number): Promise<SweepOutcome & { usage: LedgerUsage }> {
    const sql = this.metered();
    const stale = staleFiles(sql, now);
    let filesSwept = 0;
    if (stale.length > 0) {
      try {
        await this.env.EXPORTS.delete(stale.map((file) => file.key));
        markSwept(sql, stale);
        filesSwept = stale.length;
      } catch (error) {
        logWarn("ledger_sweep", { shard: this.ctx.id.name ?? "", step: "delete", ...describeCause(error) });
      }
    }
    const config = readConfig(this.env);
    const expired = this.ctx.storage.transactionSync(() =>
      expireOld(sql, now, {
        dedupeWindowDays: config.dedupeWindowDays,
        manifestRetentionDays: config.ledger.manifestRetentionDays,
      }),
    );
    const minuteDaysFolded = this.ctx.storage.transactionSync(() => foldMinuteDays(sql, now)).length;
    const outcome = { filesSwept, ...expired, minuteDaysFolded, holdsAnything: holdsAnything(sql), usage: sql.usage };
    logInfo("ledger_sweep", {
      files_swept: outcome.filesSwept,
      runs_expired: outcome.runsExpired,
      run_tables_dropped: outcome.runTablesDropped.join(","),
      files_expired: outcome.filesExpired,
      file_tables_dropped: outcome.fileTablesDropped.join(","),
      rollups_expired: outcome.rollupsExpired,
      minute_days_folded: outcome.minuteDaysFolded,
      sealed_expired: outcome.sealedExpired,
      rows_read: sql.usage.rowsRead,
      rows_written: sql.usage.rowsWritten,
    });
    return outcome;
  }

  override async alarm(): Promise<void> {
    this.alarmSet = false;
    const outcome = await this.sweep(Date.now());
    if (outcome.holdsAnything) await this.keepAlarm();
  }

  private async keepAlarm(): Promise<void> {
    if (this.alarmSet) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_INTERVAL_MS);
    this.alarmSet = true;
  }

  private metered(): MeteredSql {
    return new MeteredSql(this.ctx.storage.sql);
  }
}
