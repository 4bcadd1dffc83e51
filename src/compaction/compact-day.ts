/**
 * Compacts one closed day of a tenant to Parquet: the day folder's JSON Lines export files, in key order, become
 * `{tenant}/parquet/…/{day}_{nnn}.parquet` (parts planned by core/parquet/day-parts.ts), every line one row.
 *
 * Each part is streamed: export files are read line by line from R2, rows are encoded a row group at a time and
 * uploaded as a multipart upload, which shows nothing at the key until it completes. Before a part counts:
 *  1. every export file gave as many lines as its manifest row says (else the upload is aborted);
 *  2. the completed object is read back (footer and eventid column, by range) and must hold as many rows, and the
 *     same multiset of event ids, as the lines written (else the object is deleted);
 * only then is it recorded in the manifest (so listed, served and delivered). A failure anywhere throws and
 * leaves the day unfinished; the next attempt writes the missing parts again, and a part already recorded with
 * the planned number of events is kept. A day is finished (closed_day_outputs) once every part is recorded.
 *
 * Days past MANIFEST_RETENTION_DAYS are listed from their R2 objects (readDayFiles), so they compact the same way.
 * A day that lists no export file while R2 holds some is refused (409 day_files_unlisted, a guard) and its
 * Parquet files are kept: an empty plan never deletes them.
 *
 * `compactDay` does at most `maxParts` parts per call, so one Worker invocation stays within its CPU and memory:
 * the cron and the admin route call again until `complete`.
 * @module
 */
import { isDayClosed } from "../core/exports/export-day.js";
import { CONTENT_TYPES, exportDayPrefix, parquetKey } from "../core/exports/export-key.js";
import type { ExportFileEntry } from "../core/exports/export-listing.js";
import { CollectorError } from "../core/foundation/errors.js";
import { logInfo } from "../core/foundation/log.js";
import { type DayPart, planDayParts } from "../core/parquet/day-parts.js";
import { ParquetEventsWriter, type WrittenParquet } from "../core/parquet/parquet-events-writer.js";
import { readBackEventIds } from "../core/parquet/parquet-readback.js";
import { scheduleDeliveries } from "../delivery/schedule-deliveries.js";
import { readDayFiles } from "../edge/exports/manifest-reads.js";
import type { CompactionBindings } from "./compaction-bindings.js";
import { forgetDerivedFiles, markOutputDone, recordDerivedFile } from "./closed-day-ledger.js";
import { exportFileLines } from "./export-lines.js";
import { r2AsyncBuffer } from "./r2-async-buffer.js";
import { R2MultipartSink } from "./r2-multipart-sink.js";

export interface DayCompaction {
  tenant: string;
  day: string;
  /** Parquet files the day has when complete. */
  files: number;
  /** Parquet files written by this call. */
  written: number;
  /** Events of the day's export files (so rows of its Parquet files). */
  events: number;
  /** Every file is written and verified; false: call again. */
  complete: boolean;
}

export async function compactDay(
  env: CompactionBindings,
  tenant: string,
  day: string,
  options: { now: Date; maxParts: number },
): Promise<DayCompaction> {
  if (!isDayClosed(day, options.now)) {
    throw new CollectorError("day_not_closed", `${day} is not closed yet: it can still gain export files.`);
  }
  const dayFiles = await readDayFiles(env, tenant, day);
  const plan = planDayParts(dayFiles.files);
  if (plan.length === 0) await refuseUnlistedDay(env.EXPORTS, tenant, day);
  const recorded = new Map(dayFiles.parquet.map((file) => [file.key, file.events]));
  const events = plan.reduce((sum, part) => sum + part.events, 0);
  let written = 0;
  for (const part of plan) {
    const key = parquetKey(tenant, day, part.index);
    if (recorded.get(key) === part.events) continue;
    if (written >= options.maxParts) return { tenant, day, files: plan.length, written, events, complete: false };
    await compactPart(env, { tenant, day, key, part, wasRecorded: recorded.has(key) });
    written++;
  }
  // Parts of an earlier plan that this one does not have (there are none unless the part size changed). An empty
  // plan deletes nothing: the day's Parquet files may be all that is left of it.
  const planned = new Set(plan.map((part) => parquetKey(tenant, day, part.index)));
  const stale = plan.length === 0 ? [] : [...recorded.keys()].filter((key) => !planned.has(key));
  if (stale.length > 0) {
    await env.EXPORTS.delete(stale);
    await forgetDerivedFiles(env.DB, stale);
  }
  await markOutputDone(env.DB, { tenant, day, output: "parquet", files: plan.length, events }, Date.now());
  return { tenant, day, files: plan.length, written, events, complete: true };
}

/**
 * A day whose listing has no export file while R2 holds some (rows gone that the listing of old days does not
 * cover) cannot be compacted from its listing: refused, so its Parquet files stay as they are.
 */
async function refuseUnlistedDay(bucket: R2Bucket, tenant: string, day: string): Promise<void> {
  const stored = await bucket.list({ prefix: exportDayPrefix(tenant, day), limit: 1 });
  if (stored.objects.length === 0) return;
  throw new CollectorError(
    "day_files_unlisted",
    `${day} has export files in storage that its listing does not have: ` +
      "it cannot be compacted, and its Parquet files are kept as they are.",
    { details: { tenant, day } },
  );
}

interface PartJob {
  tenant: string;
  day: string;
  key: string;
  part: DayPart<ExportFileEntry>;
  /** An earlier plan recorded another file at this key: forget it if this one fails. */
  wasRecorded: boolean;
}

async function compactPart(env: CompactionBindings, job: PartJob): Promise<void> {
  const started = Date.now();
  const sink = await R2MultipartSink.open(env.EXPORTS, job.key, CONTENT_TYPES.parquet);
  let written: WrittenParquet;
  try {
    written = await writeRows(env.EXPORTS, job.part, new ParquetEventsWriter(sink));
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error;
  }
  const object = await sink.complete();
  try {
    const readBack = await readBackEventIds(r2AsyncBuffer(env.EXPORTS, job.key, object.size));
    if (readBack.rows !== job.part.events || !readBack.tally.equals(written.tally)) {
      throw new Error(
        `${job.key} reads back as ${readBack.rows} rows (${readBack.tally.describe()}); ` +
          `${job.part.events} lines were written (${written.tally.describe()})`,
      );
    }
  } catch (error) {
    await env.EXPORTS.delete(job.key);
    if (job.wasRecorded) await forgetDerivedFiles(env.DB, [job.key]);
    throw error;
  }
  await recordDerivedFile(
    env.DB,
    {
      key: job.key,
      tenant: job.tenant,
      day: job.day,
      format: "parquet",
      events: written.rows,
      bytes: object.size,
      etag: object.etag,
      first: earliest(job.part.files.map((file) => file.first)),
      last: latest(job.part.files.map((file) => file.last)),
      typeCounts: written.types,
    },
    Date.now(),
  );
  await scheduleDeliveries({ db: env.DB, deliveries: env.DELIVERIES }, { tenant: job.tenant, key: job.key });
  logInfo("compaction", {
    tenant: job.tenant,
    day: job.day,
    key: job.key,
    source_files: job.part.files.length,
    events: written.rows,
    bytes: object.size,
    row_groups: written.rowGroups,
    duration_ms: Date.now() - started,
  });
}

/** Every line of the part's export files into the writer; each file must give the lines its manifest row counts. */
async function writeRows(
  bucket: R2Bucket,
  part: DayPart<ExportFileEntry>,
  writer: ParquetEventsWriter,
): Promise<WrittenParquet> {
  for (const file of part.files) {
    let lines = 0;
    for await (const line of exportFileLines(bucket, file.key)) {
      await writer.addLine(line);
      lines++;
    }
    if (lines !== file.events) {
      throw new Error(`${file.key} has ${lines} lines; its manifest row says ${file.events} events`);
    }
  }
  const written = await writer.finish();
  if (written.rows !== part.events) throw new Error(`${written.rows} rows written for ${part.events} events`);
  return written;
}

// receivedat is ISO-8601 UTC with milliseconds, so text order is time order.
function earliest(times: readonly string[]): string {
  return [...times].sort()[0] ?? "";
}

function latest(times: readonly string[]): string {
  return [...times].sort().at(-1) ?? "";
}
