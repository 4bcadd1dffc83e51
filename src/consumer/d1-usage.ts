/**
 * Adds up the rows D1 reports reading and writing (each result's `meta`), for the batch and purge log lines:
 * rows are what D1 bills and what shows a query gone wrong.
 * @module
 */

export class D1Usage {
  rowsRead = 0;
  rowsWritten = 0;

  record(results: D1Result | readonly D1Result[]): void {
    for (const result of Array.isArray(results) ? results : [results]) {
      this.rowsRead += result.meta.rows_read ?? 0;
      this.rowsWritten += result.meta.rows_written ?? 0;
    }
  }
}
