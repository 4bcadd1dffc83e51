/**
 * Runs a shard's SQL and adds up the rows each statement read and wrote (what Durable Objects bill), so every
 * call can report its cost to the consumer's `batch` line and the bench.
 * @module
 */
import type { LedgerUsage } from "../core/exports/ledger-protocol.js";

export class MeteredSql {
  readonly usage: LedgerUsage = { rowsRead: 0, rowsWritten: 0 };

  constructor(private readonly sql: SqlStorage) {}

  /**
   * Every row of the statement: each runs to its end (a cursor left part-read keeps its statement active, and
   * SQLite refuses a DROP TABLE, SQLITE_LOCKED (workerd#959), while any statement of the connection is, such as
   * the sweep's drop of a day table).
   */
  all<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T[] {
    const cursor = this.sql.exec<T>(query, ...bindings);
    const rows = cursor.toArray();
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
