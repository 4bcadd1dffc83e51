/**
 * Reads a written Parquet file back (with hyparquet, an independent reader of the same project) one row group
 * at a time, so a large file is read in bounded memory, and only the columns asked for: `file` reads byte ranges
 * (an R2 object's, in the Worker), so only the footer and those column chunks are fetched.
 *  - `readBackEventIds`: its row count and the tally of its eventid column, for the check that it holds exactly
 *    the rows that were written;
 *  - `readBackFacts`: that and what the manifest records of it (rows by type, first and last `receivedat`);
 *  - `countRowsOfUser`: how many of its rows are one user's (the userid column alone), for a privacy erasure;
 *  - `eventsNotOfUser`: every other row, rebuilt as its event (event-row.ts), a row group at a time.
 * @module
 */
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetRead, parquetReadObjects } from "hyparquet";
import type { EventTypeCounts } from "../exports/event-type-counts.js";
import { EventIdTally } from "./event-id-tally.js";
import { rebuildEvent } from "./event-row.js";

export interface ReadBack {
  rows: number;
  tally: EventIdTally;
}

export async function readBackEventIds(file: AsyncBuffer): Promise<ReadBack> {
  const metadata = await parquetMetadataAsync(file);
  const tally = new EventIdTally();
  await forEachRowGroup(file, metadata, ["eventid"], ([eventids]) => {
    for (const eventid of eventids!) tally.add(typeof eventid === "string" ? eventid : null);
  });
  return { rows: Number(metadata.num_rows), tally };
}

export interface ReadBackFacts extends ReadBack {
  types: EventTypeCounts;
  /** The earliest and latest receivedat (ISO-8601); "" for a file without rows. */
  first: string;
  last: string;
}

export async function readBackFacts(file: AsyncBuffer): Promise<ReadBackFacts> {
  const metadata = await parquetMetadataAsync(file);
  const tally = new EventIdTally();
  const types: EventTypeCounts = {};
  let first = "";
  let last = "";
  await forEachRowGroup(file, metadata, ["eventid", "type", "receivedat"], ([eventids, typeValues, received]) => {
    for (const [row, eventid] of eventids!.entries()) {
      tally.add(typeof eventid === "string" ? eventid : null);
      const type = String(typeValues![row]);
      types[type] = (types[type] ?? 0) + 1;
      const at = received![row];
      const iso = at instanceof Date ? at.toISOString() : typeof at === "string" ? at : "";
      if (iso !== "" && (first === "" || iso < first)) first = iso;
      if (iso > last) last = iso;
    }
  });
  return { rows: Number(metadata.num_rows), tally, types, first, last };
}

export async function countRowsOfUser(file: AsyncBuffer, userid: string): Promise<{ rows: number; ofUser: number }> {
  const metadata = await parquetMetadataAsync(file);
  let ofUser = 0;
  await forEachRowGroup(file, metadata, ["userid"], ([userids]) => {
    for (const value of userids!) if (value === userid) ofUser++;
  });
  return { rows: Number(metadata.num_rows), ofUser };
}

/** The events of every row whose userid is not `userid`, in file order, reading one row group at a time. */
export async function* eventsNotOfUser(file: AsyncBuffer, userid: string): AsyncGenerator<Record<string, unknown>> {
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows: Array<Record<string, unknown> | undefined> = await parquetReadObjects({
      file,
      metadata,
      rowStart,
      rowEnd,
    });
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      // Each row is let go once it is handed on: a row group's values are not held twice.
      rows[index] = undefined;
      if (row.userid !== userid) yield rebuildEvent(row, row.extra);
    }
    rowStart = rowEnd;
  }
}

/** Calls `onGroup` with each row group's values of `columns` (one array per column, in that order). */
async function forEachRowGroup(
  file: AsyncBuffer,
  metadata: FileMetaData,
  columns: string[],
  onGroup: (values: unknown[][]) => void,
): Promise<void> {
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const values = columns.map(() => [] as unknown[]);
    await parquetRead({
      file,
      metadata,
      columns,
      rowStart,
      rowEnd,
      onChunk: ({ columnName, columnData }) => {
        const target = values[columns.indexOf(columnName)]!;
        for (const value of columnData) target.push(value);
      },
    });
    onGroup(values);
    rowStart = rowEnd;
  }
}
