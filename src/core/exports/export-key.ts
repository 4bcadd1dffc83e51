/**
 * Names the R2 objects the export writes: the Omny file convention under each tenant's prefix, the Parquet
 * files of closed days and the aggregates beside them (`{tenant}/parquet/`, `{tenant}/aggregates/`: a JSON Lines
 * folder is a year, all digits, so neither prefix can meet one), and the dead-letter objects under
 * `_deadletter/` (a prefix no tenant can take: tenants start with [a-z0-9]).
 * @module
 */

export const DEAD_LETTER_PREFIX = "_deadletter/";

export interface ExportKeyParts {
  tenant: string;
  /** When the file is written: its folders and the `T{HH}{MM}` of its name (UTC). */
  writtenAt: Date;
  /** The receivedat (ISO-8601) of the earliest event in the file: the `{HHMMSS.mmm}` of its name. */
  firstReceivedAt: string;
  /** Makes the name unique; a UUID. */
  fileId: string;
}

/** `{tenant}/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{yyyy}-{mm}-{dd}T{HH}{MM}_{HHMMSS.mmm}_{uuid}.jsonl.gz` */
export function exportKey(parts: ExportKeyParts): string {
  const written = utcParts(parts.writtenAt);
  const first = utcParts(parseInstant(parts.firstReceivedAt));
  const day = `${written.year}-${written.month}-${written.day}`;
  const folder = `${parts.tenant}/${written.year}/${written.year}-${written.month}/${day}`;
  const firstTime = `${first.hour}${first.minute}${first.second}.${first.millisecond}`;
  return `${folder}/${day}T${written.hour}${written.minute}_${firstTime}_${parts.fileId}.jsonl.gz`;
}

/** What a customer receives: the JSON Lines export files, a closed day's Parquet files, and aggregates. */
export const EXPORT_FORMATS = ["jsonl", "parquet", "aggregates"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How each format is stored and served. */
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: "application/gzip",
  parquet: "application/vnd.apache.parquet",
  aggregates: "application/json",
};

/** The content type of an object the collector wrote for a tenant, from its name. */
export function contentTypeOfStoredKey(key: string): string {
  if (key.endsWith(".parquet")) return CONTENT_TYPES.parquet;
  if (key.endsWith(".json")) return CONTENT_TYPES.aggregates;
  return CONTENT_TYPES.jsonl;
}

/** `{tenant}/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/`: the folder of a day's JSON Lines export files, a prefix of their keys. */
export function exportDayPrefix(tenant: string, day: string): string {
  return `${tenant}/${dayFolder(day)}/`;
}

/** `{tenant}/parquet/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{yyyy}-{mm}-{dd}_{nnn}.parquet`, nnn from 000. */
export function parquetKey(tenant: string, day: string, part: number): string {
  return `${tenant}/parquet/${dayFolder(day)}/${day}_${String(part).padStart(3, "0")}.parquet`;
}

/** `{tenant}/aggregates/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}.json` */
export function dailyAggregatesKey(tenant: string, day: string): string {
  return `${tenant}/aggregates/${dayFolder(day)}.json`;
}

/** `{tenant}/aggregates/{yyyy}/{yyyy}-{mm}.json` for the month yyyy-mm. */
export function monthlyAggregatesKey(tenant: string, month: string): string {
  return `${tenant}/aggregates/${month.slice(0, 4)}/${month}.json`;
}

/** `{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}` of a day written yyyy-mm-dd. */
function dayFolder(day: string): string {
  return `${day.slice(0, 4)}/${day.slice(0, 7)}/${day}`;
}

/** The `yyyy-mm-dd` (UTC) of an instant: the day folder of an export key and of a dead letter. */
export function utcDay(instant: Date): string {
  const parts = utcParts(instant);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * The yyyy-mm-dd day folder of a key the collector wrote for a tenant: an export file's
 * (`{tenant}/{yyyy}/{yyyy-mm}/{yyyy-mm-dd}/…`) or a Parquet file's (`{tenant}/parquet/{yyyy}/{yyyy-mm}/{yyyy-mm-dd}/…`).
 */
export function dayOfStoredKey(key: string): string {
  const parts = key.split("/");
  const day = parts[1] === "parquet" ? parts[4] : parts[3];
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`${key} is not in a day folder`);
  return day;
}

/** `_deadletter/{yyyy-mm-dd}/{message id}.json` */
export function deadLetterKey(day: Date, messageId: string): string {
  return `${DEAD_LETTER_PREFIX}${utcDay(day)}/${messageId}.json`;
}

function parseInstant(iso: string): Date {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new Error(`${JSON.stringify(iso)} is not an ISO-8601 date-time`);
  return instant;
}

// toISOString is always UTC and zero-padded (yyyy-mm-ddTHH:MM:SS.mmmZ), so slicing it is exact.
function utcParts(instant: Date) {
  const iso = instant.toISOString();
  return {
    year: iso.slice(0, 4),
    month: iso.slice(5, 7),
    day: iso.slice(8, 10),
    hour: iso.slice(11, 13),
    minute: iso.slice(14, 16),
    second: iso.slice(17, 19),
    millisecond: iso.slice(20, 23),
  };
}
