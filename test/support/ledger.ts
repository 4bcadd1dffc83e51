/**
 * Reaches a tenant's ledger shards (src/ledger/) from a test: sweep them as their alarm would at a chosen time,
 * list what they committed, read their sizes.
 * @module
 */
import { env } from "cloudflare:test";
import type { ShardStats } from "../../src/core/exports/ledger-protocol.js";
import { tenantShards } from "../../src/edge/ledger-shards.js";

export function shardsOf(tenant: string, bindings: Partial<Env> = {}) {
  return tenantShards({ ...env, ...bindings }, tenant);
}

/** Runs every shard's sweep as its alarm would at `now`. */
export async function sweepShardsAt(tenant: string, now: number, bindings: Partial<Env> = {}): Promise<void> {
  for (const shard of shardsOf(tenant, bindings)) await shard.sweep(now);
}

/** Keys of the committed files of the tenant's shards. */
export async function shardCommittedKeys(tenant: string, bindings: Partial<Env> = {}): Promise<string[]> {
  const request = { fromKey: `${tenant}/`, belowKey: `${tenant}/\u{10FFFF}`, afterKey: "", limit: 100_000 };
  const lists = await Promise.all(shardsOf(tenant, bindings).map((shard) => shard.listFiles(request)));
  return lists
    .flat()
    .map((file) => file.key)
    .sort();
}

export async function shardStats(tenant: string, bindings: Partial<Env> = {}): Promise<ShardStats[]> {
  return Promise.all(shardsOf(tenant, bindings).map((shard) => shard.stats() as Promise<ShardStats>));
}
