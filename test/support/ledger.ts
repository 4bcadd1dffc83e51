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

/** The LEDGER binding with the result of every shard's `method` call recorded (e.g. a commit's rows written). */
export function recordingShardResults<T>(method: "claim" | "commit"): { binding: Env["LEDGER"]; results: T[] } {
  const results: T[] = [];
  const binding = wrappingShardCalls<T>(method, async (call, args) => {
    const result = await call(...args);
    results.push(result);
    return result;
  });
  return { binding, results };
}

/** The LEDGER binding with `before()` run before every shard `method` call (e.g. to move the clock on). */
export function beforeShardCalls(method: "claim" | "commit", before: () => void | Promise<void>): Env["LEDGER"] {
  return wrappingShardCalls(method, async (call, args) => {
    await before();
    return call(...args);
  });
}

/** The LEDGER binding whose shards' `method` calls get their request rewritten (e.g. as an older consumer sent it). */
export function rewritingShardRequests<R>(method: "claim" | "commit", rewrite: (request: R) => R): Env["LEDGER"] {
  return wrappingShardCalls(method, (call, [request, ...rest]) => call(rewrite(request as R), ...rest));
}

/** The LEDGER binding whose shards' `method` calls go through `wrap` (which makes the call, with its arguments). */
function wrappingShardCalls<T>(
  method: "claim" | "commit",
  wrap: (call: (...args: unknown[]) => Promise<T>, args: unknown[]) => Promise<T>,
): Env["LEDGER"] {
  return new Proxy(env.LEDGER, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (property !== "get")
        return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
      return (...args: unknown[]) => {
        const stub = (value as (...a: unknown[]) => Record<string, (...a: unknown[]) => Promise<T>>).apply(
          target,
          args,
        );
        // An RPC stub's methods must be called on the stub itself: a Proxy that re-binds them cannot pass them on.
        return new Proxy(stub, {
          get(stubTarget, name) {
            if (name !== method) return Reflect.get(stubTarget, name);
            return (...callArgs: unknown[]) => wrap((...args) => stub[method]!(...args), callArgs);
          },
        });
      };
    },
  });
}
