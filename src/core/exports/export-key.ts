/**
 * Names the R2 objects the export writes: the Omny file convention under each tenant's prefix, and the
 * dead-letter objects under `_deadletter/` (a prefix no tenant can take: tenants start with [a-z0-9]).
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

/** The `yyyy-mm-dd` (UTC) of an instant: the day folder of an export key and of a dead letter. */
export function utcDay(instant: Date): string {
  const parts = utcParts(instant);
  return `${parts.year}-${parts.month}-${parts.day}`;
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
