/**
 * The pull API's listing of days past the manifest's retention: the ledger shards forget a file's row
 * MANIFEST_RETENTION_DAYS after it was written (src/ledger/shard-sweep.ts), but the file stays in R2 for good, so
 * for those days the export objects themselves are the listing. R2 lists a prefix in key order (day order) with
 * each object's size, ETag and custom metadata (the export writes its events, first and last receivedat, counts by
 * type and events from earlier days there: src/core/exports/export-file.ts; an erasure's rewrite updates them), and
 * its listings are strongly consistent. What is under a day folder of that age is a committed file: every
 * attempt that never committed had its object deleted by its shard's hourly sweep within the hour (one R2 refused
 * to delete for a whole month stays listed; `ledger_sweep` warns every hour of that month). Why R2 and not an index
 * object written as the rows expire: an index would have to be rewritten by every later erasure of one of its
 * files, and opening one index per day and shard for a long range costs more calls than one list of up to 1,000
 * keys, a class A operation, taken only by reads of old days.
 * @module
 */
import type { ExportFileEntry } from "../../core/exports/export-listing.js";
import { FACTS_METADATA } from "../../core/exports/export-file.js";
import { utcDay } from "../../core/exports/export-key.js";
import { formatOfTenantKey } from "./requested-key.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const LIST_PAGE = 1000;

/**
 * The last day whose files may have left the shards' manifests: the day of (now - retention). Days after it are
 * read from the shards alone; this one and earlier ones from R2 too.
 */
export function lastDayPastRetention(now: Date, manifestRetentionDays: number): string {
  return utcDay(new Date(now.getTime() - manifestRetentionDays * DAY_MS));
}

export interface StoredRange {
  tenant: string;
  /** Inclusive lower bound on keys (a day folder's prefix, which no key equals). */
  fromKey: string;
  belowKey: string;
  afterKey: string;
  limit: number;
}

/** The export files stored under the tenant's prefix in [fromKey, belowKey), after afterKey, in key order. */
export async function listStoredFiles(bucket: R2Bucket, range: StoredRange): Promise<ExportFileEntry[]> {
  const files: ExportFileEntry[] = [];
  let cursor: string | undefined;
  const [, startAfter] = [range.afterKey, range.fromKey].sort();
  do {
    const page = await bucket.list({
      prefix: `${range.tenant}/`,
      ...(cursor ? { cursor } : { startAfter }),
      limit: LIST_PAGE,
      include: ["customMetadata"],
    });
    for (const object of page.objects) {
      if (object.key >= range.belowKey) return files;
      if (formatOfTenantKey(object.key, range.tenant) !== "jsonl") continue;
      files.push(storedEntry(object));
      if (files.length >= range.limit) return files;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return files;
}

export async function findStoredFile(bucket: R2Bucket, key: string): Promise<ExportFileEntry | undefined> {
  const object = await bucket.head(key);
  return object ? storedEntry(object) : undefined;
}

export interface StoredDay {
  files: ExportFileEntry[];
  /** Per file key: its events by type and from earlier days, as its metadata says (absent: written before). */
  facts: Map<string, { types: Record<string, number>; earlierDayEvents: number }>;
}

export async function storedDayFiles(bucket: R2Bucket, tenant: string, dayPrefix: string): Promise<StoredDay> {
  const files: ExportFileEntry[] = [];
  const facts: StoredDay["facts"] = new Map();
  let cursor: string | undefined;
  do {
    const page = await bucket.list({
      prefix: dayPrefix,
      ...(cursor ? { cursor } : {}),
      limit: LIST_PAGE,
      include: ["customMetadata"],
    });
    for (const object of page.objects) {
      if (formatOfTenantKey(object.key, tenant) !== "jsonl") continue;
      files.push(storedEntry(object));
      const metadata = object.customMetadata ?? {};
      facts.set(object.key, {
        types: parseTypeCounts(metadata[FACTS_METADATA.typeCounts]),
        earlierDayEvents: Number(metadata[FACTS_METADATA.earlierDayEvents] ?? 0) || 0,
      });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { files, facts };
}

function storedEntry(object: R2Object): ExportFileEntry {
  const metadata = object.customMetadata ?? {};
  const uploaded = object.uploaded.toISOString();
  return {
    key: object.key,
    size: object.size,
    events: Number(metadata[FACTS_METADATA.events] ?? 0) || 0,
    first: metadata[FACTS_METADATA.firstReceivedAt] ?? uploaded,
    last: metadata[FACTS_METADATA.lastReceivedAt] ?? uploaded,
    etag: object.etag,
  };
}

function parseTypeCounts(text: string | undefined): Record<string, number> {
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, number] => Number.isSafeInteger(entry[1])),
    );
  } catch {
    return {};
  }
}
