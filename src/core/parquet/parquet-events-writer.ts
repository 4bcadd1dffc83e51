/**
 * Writes exported events (JSON Lines text, one line at a time) as one Parquet file, a row group at a time:
 * only the rows of the row group being filled are held, and each encoded row group goes to the sink before the
 * next is started, so a file of any size is written in bounded memory. Counts the rows and tallies their event
 * ids as it goes (event-id-tally.ts), for the caller to check against what it read.
 *
 * Used by the compaction of closed days, and callable on any list of source lines (e.g. to rewrite a file
 * without some rows): `parquetFromLines`.
 * @module
 */
import { ByteWriter, ParquetWriter, type ColumnSource } from "hyparquet-writer";
import { concatBytes } from "../foundation/concat-bytes.js";
import { eventToRow } from "./event-row.js";
import type { EventTypeCounts } from "../exports/event-type-counts.js";
import { EventIdTally } from "./event-id-tally.js";
import { EXTRA_COLUMN, PARQUET_COLUMNS } from "./parquet-columns.js";
import { parquetSchemaElements } from "./parquet-schema.js";

/** Where the file's bytes go, in order, in chunks of any size. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

/**
 * Rows per row group: DuckDB's own row groups are 122,880 rows and it reads each row group in parallel; Spark and
 * Athena split a file by row group. 32,000 rows of the seed mix encode to ~2.2 MB and hold ~40 MB of JavaScript
 * values while filled (BENCHMARKS.md): the most that leaves room in an isolate's 128 MB for the rest.
 */
export const DEFAULT_ROW_GROUP_ROWS = 32_000;

export const PARQUET_CREATED_BY = "audiogum-collector";

export interface WrittenParquet {
  rows: number;
  bytes: number;
  rowGroups: number;
  /** The event ids of the rows written. */
  tally: EventIdTally;
  /** Rows by `type`. */
  types: EventTypeCounts;
}

export class ParquetEventsWriter {
  private readonly output: SinkWriter;
  private readonly writer: ParquetWriter;
  private readonly rowGroupRows: number;
  private readonly tally = new EventIdTally();
  private readonly types: EventTypeCounts = Object.create(null) as EventTypeCounts;
  /** The row group being filled: one array per column (PARQUET_COLUMNS, then extra), of the same length. */
  private pending: unknown[][] = emptyColumns();
  private pendingRows = 0;
  private rowGroups = 0;
  private lineNumber = 0;

  constructor(sink: ByteSink, options: { rowGroupRows?: number } = {}) {
    this.rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
    this.output = new SinkWriter(sink);
    this.writer = new ParquetWriter({
      writer: this.output,
      schema: parquetSchemaElements(),
      createdBy: PARQUET_CREATED_BY,
    });
  }

  /** One line of an export file: one event's JSON. */
  async addLine(line: string): Promise<void> {
    this.lineNumber++;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${this.lineNumber} is not JSON`, { cause: error });
    }
    await this.addEvent(event);
  }

  async addEvent(event: unknown): Promise<void> {
    const row = eventToRow(event);
    const eventid = row.values.eventid;
    this.tally.add(typeof eventid === "string" ? eventid : null);
    const type = String(row.values.type);
    this.types[type] = (this.types[type] ?? 0) + 1;
    for (const [index, column] of PARQUET_COLUMNS.entries()) this.pending[index]!.push(row.values[column.name] ?? null);
    this.pending[PARQUET_COLUMNS.length]!.push(row.extra ?? null);
    this.pendingRows++;
    if (this.pendingRows >= this.rowGroupRows) await this.writeRowGroup();
  }

  async finish(): Promise<WrittenParquet> {
    if (this.pendingRows > 0) await this.writeRowGroup();
    await this.writer.finish();
    return {
      rows: this.tally.count,
      bytes: this.output.offset,
      rowGroups: this.rowGroups,
      tally: this.tally,
      types: { ...this.types },
    };
  }

  private async writeRowGroup(): Promise<void> {
    const columns = this.pending;
    const rows = this.pendingRows;
    this.pending = emptyColumns();
    this.pendingRows = 0;
    const columnData: ColumnSource[] = PARQUET_COLUMNS.map((column, index) => ({
      name: column.name,
      data: columns[index]!,
      ...COLUMN_ENCODINGS[column.shape.kind],
    }));
    columnData.push({ name: EXTRA_COLUMN, data: columns[PARQUET_COLUMNS.length]! });
    await this.writer.write({ columnData, rowGroupSize: rows });
    this.rowGroups++;
  }
}

/**
 * Enumerations repeat a handful of values: a dictionary stores each once. Instants and Longs (receivedat in
 * received order, sequence numbers counting up) differ little from row to row: delta encoding stores the
 * differences in a few bits.
 */
const COLUMN_ENCODINGS: Partial<Record<string, Pick<ColumnSource, "encoding">>> = {
  enum: { encoding: "RLE_DICTIONARY" },
  timestamp: { encoding: "DELTA_BINARY_PACKED" },
  int64: { encoding: "DELTA_BINARY_PACKED" },
};

function emptyColumns(): unknown[][] {
  return Array.from({ length: PARQUET_COLUMNS.length + 1 }, () => []);
}

/** The writer's byte buffer, handed to the sink after each row group (and at the end), then reused. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(1 << 20);
  }

  flush(): Promise<void> {
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.sink.write(chunk);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

/** A whole Parquet file in memory from export lines: for small sets of rows (tests, rewrites of one file). */
export async function parquetFromLines(lines: Iterable<string>, options: { rowGroupRows?: number } = {}) {
  const chunks: Uint8Array[] = [];
  const writer = new ParquetEventsWriter({ write: async (chunk) => void chunks.push(chunk) }, options);
  for (const line of lines) await writer.addLine(line);
  const written = await writer.finish();
  return { ...written, body: concatBytes(chunks, written.bytes) };
}
