/**
 * What a shard stores, by the kind of row and so by how long it is kept (the cost bench prices each kind for its
 * own retention: runs for the dedupe window, files for the manifest retention, minute rollups for a day or two,
 * day rollups for 400 days). Bytes are the values' own sizes (text in UTF-8, numbers as 8 bytes), without
 * SQLite's page overhead, which `databaseBytes` shows. It reads every row: for the bench and tests, not for a
 * request path.
 * @module
 */
import type { ShardStorage, StorageKind } from "../core/exports/ledger-protocol.js";
import type { MeteredSql } from "./sql-usage.js";

const encoder = new TextEncoder();

/** Day tables (`runs_20261130`) count with their base table. */
function baseName(table: string): string {
  return table.replace(/_\d{8}$/, "");
}

function kindOf(table: string, row: Record<string, SqlStorageValue>): StorageKind {
  const base = baseName(table);
  if (base === "runs") return "runs";
  if (base === "files") return "files";
  if (base === "minutes") return "minuteRollups";
  if (base === "rollups") return row.grain === "minute" ? "minuteRollups" : "dayRollups";
  return "other";
}

function valueBytes(value: SqlStorageValue): number {
  if (value === null) return 0;
  if (typeof value === "string") return encoder.encode(value).length;
  if (value instanceof ArrayBuffer) return value.byteLength;
  return 8;
}

export function shardStorage(sql: MeteredSql, databaseBytes: number): ShardStorage {
  const kinds: ShardStorage["kinds"] = {
    runs: { rows: 0, bytes: 0 },
    files: { rows: 0, bytes: 0 },
    minuteRollups: { rows: 0, bytes: 0 },
    dayRollups: { rows: 0, bytes: 0 },
    other: { rows: 0, bytes: 0 },
  };
  const tables = sql.all<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  );
  for (const { name } of tables) {
    for (const row of sql.all(`SELECT * FROM "${name}"`)) {
      const kind = kinds[kindOf(name, row)];
      kind.rows++;
      for (const value of Object.values(row)) kind.bytes += valueBytes(value);
    }
  }
  return { databaseBytes, kinds };
}
