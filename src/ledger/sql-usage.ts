/**
 * Runs a shard's SQL and adds up the rows each statement read and wrote (what Durable Objects bill), so every
 * call can report its cost to the consumer's `batch` line and the bench.
 * @module
 */
import type { LedgerUsage } from "../core/exports/ledger-protocol.js";

export class MeteredSql {
  readonly usage: LedgerUsage = { rowsRead: 0, rowsWritten: 0 };

  constructor(private readonly sql: SqlStorage) {}

  /** Every row of the statement. */
  all<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T[] {
    const cursor = this.sql.exec<T>(query, ...bindings);
    const rows = cursor.toArray();
    this.count(cursor);
    return rows;
  }

  /** Rows of the statement until `keep` says stop (the cursor steps lazily, so rows after it are not read). */
  until<T extends Record<string, SqlStorageValue>>(
    query: string,
    bindings: SqlStorageValue[],
    keep: (row: T) => boolean,
  ): T[] {
    const cursor = this.sql.exec<T>(query, ...bindings);
    const rows: T[] = [];
    for (const row of cursor) {
      if (!keep(row)) break;
      rows.push(row);
    }
    this.count(cursor);
    return rows;
  }

  run(query: string, ...bindings: SqlStorageValue[]): void {
    this.all(query, ...bindings);
  }

  private count(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): void {
    this.usage.rowsRead += cursor.rowsRead;
    this.usage.rowsWritten += cursor.rowsWritten;
  }
}
