/**
 * How a closed day's export files become Parquet files: whole export files, in key order (the order they were
 * written), cut into parts of at most MAX_EVENTS_PER_PARQUET_FILE events, part n being `{day}_{nnn}.parquet`.
 * A closed day's files never change, so the plan is the same on every attempt and a part written by an earlier
 * attempt is recognised by its key and event count. An export file larger than the limit is a part of its own.
 * @module
 */

/**
 * Events per Parquet file: what one Worker invocation compacts well inside the 30 s CPU and 128 MB an isolate
 * gets (BENCHMARKS.md: ~14 MB of Parquet for the seed mix), and at most 24 files for a busy tenant's day of a few
 * million events, far under the ~128 MB a file may reach.
 */
export const MAX_EVENTS_PER_PARQUET_FILE = 200_000;

export interface SourceFile {
  key: string;
  events: number;
}

export interface DayPart<F extends SourceFile = SourceFile> {
  /** nnn of the file name, from 0. */
  index: number;
  files: F[];
  events: number;
}

export function planDayParts<F extends SourceFile>(
  files: readonly F[],
  maxEvents = MAX_EVENTS_PER_PARQUET_FILE,
): DayPart<F>[] {
  const sorted = [...files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const parts: DayPart<F>[] = [];
  let current: DayPart<F> | undefined;
  for (const file of sorted) {
    if (!current || (current.events > 0 && current.events + file.events > maxEvents)) {
      current = { index: parts.length, files: [], events: 0 };
      parts.push(current);
    }
    current.files.push(file);
    current.events += file.events;
  }
  return parts;
}
