/**
 * Reads a written Parquet file back (with hyparquet, an independent reader of the same project) for the check
 * that it holds exactly the rows that were written: its row count and the tally of its eventid column, one row
 * group at a time so a large file is read in bounded memory. `file` reads byte ranges (an R2 object's, in the
 * Worker), so only the footer and the eventid column chunks are fetched.
 * @module
 */
import { type AsyncBuffer, parquetMetadataAsync, parquetRead } from "hyparquet";
import { EventIdTally } from "./event-id-tally.js";

export interface ReadBack {
  rows: number;
  tally: EventIdTally;
}

export async function readBackEventIds(file: AsyncBuffer): Promise<ReadBack> {
  const metadata = await parquetMetadataAsync(file);
  const tally = new EventIdTally();
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    await parquetRead({
      file,
      metadata,
      columns: ["eventid"],
      rowStart,
      rowEnd,
      onChunk: ({ columnData }) => {
        for (const eventid of columnData) tally.add(typeof eventid === "string" ? eventid : null);
      },
    });
    rowStart = rowEnd;
  }
  return { rows: Number(metadata.num_rows), tally };
}
