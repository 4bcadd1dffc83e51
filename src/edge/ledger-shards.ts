/**
 * The edge's way to a tenant's ledger shards (src/ledger/): every read of the manifest or the rollups asks each
 * of the tenant's shards in parallel and merges the answers with what the D1 tables of before the shards hold.
 * @module
 */
import { ledgerShardName } from "../core/exports/ledger-shards.js";
import { shardsToRead } from "../core/exports/shard-schedule.js";
import { ledgerShardsOf, readConfig, type ConfigSource } from "../core/foundation/config.js";

export type LedgerBindings = Pick<Env, "DB" | "LEDGER"> & ConfigSource;

export function tenantShards(env: LedgerBindings, tenant: string) {
  // Every shard any step of the tenant's schedule has: a lower count never hides what a higher one wrote.
  const count = shardsToRead(ledgerShardsOf(readConfig(env).ledger, tenant));
  return Array.from({ length: count }, (_, shard) =>
    env.LEDGER.get(env.LEDGER.idFromName(ledgerShardName(tenant, shard))),
  );
}
