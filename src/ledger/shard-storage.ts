/**
 * What a shard stores, by the kind of row and so by how long it is kept (the cost bench prices each kind for its
 * own retention: runs for the dedupe window, files for the manifest retention, minute rollups for a day or two,
 * day rollups for 400 days). Bytes are the values' own sizes (text in UTF-8, numbers as 8 bytes), without
 * SQLite's page overhead, which `databaseBytes` shows. It reads every row: for the bench and tests, not for a
 * request path.
 * @module
 */
import type { ShardStorage, StorageKind } from "../core/exports/ledger-protocol.js";
import { baseOfTable } from "./day-tables.js";
import type { MeteredSql } from "./sql-usage.js";

const encoder = new TextEncoder();

function kindOf(table: string, row: Record<string, SqlStorageValue>): StorageKind {
  // Day tables (`runs_20261130`) count with their base table.
  const base = baseOfTable(table);
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

/** Every kind with no rows (the bench adds up several shards' kinds from it). */
export function emptyStorageKinds(): ShardStorage["kinds"] {
  const none = () => ({ rows: 0, bytes: 0 });
  return { runs: none(), files: none(), minuteRollups: none(), dayRollups: none(), other: none() };
}

export function shardStorage(sql: MeteredSql, databaseBytes: number): ShardStorage {
  const kinds = emptyStorageKinds();
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
