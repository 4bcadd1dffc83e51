/**
 * Which ledger shard holds a session: the export ledger is one Durable Object per (tenant, shard)
 * (src/ledger/), and every event of a session (user, device, session id: the parts of its event id besides the
 * sequence number) goes to the same shard, so a device's resends always meet the record of what it sent.
 * The shard is a jump consistent hash (Lamping and Veach, 2014) of the session: growing a tenant's shard count
 * from n to m moves only the sessions that land on the new shards n..m-1, never one between old shards.
 * @module
 */

export interface SessionIdentity {
  userid: string;
  deviceid: string | undefined;
  sessionid: string;
}

/**
 * The session's key in its shard: the exact parts of the event id (src/core/events/event-id.ts) besides the tenant
 * (one shard holds one tenant) and the sequence number, so two sessions never share a key (no hash decides a
 * duplicate). The session id is lowercased as the event id does.
 */
export function sessionKey(identity: SessionIdentity): string {
  return JSON.stringify([identity.userid, identity.deviceid ?? null, identity.sessionid.toLowerCase()]);
}

/** The shard (0 ≤ shard < shards) of a session key. */
export function shardOfSession(key: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`a tenant has at least one ledger shard, not ${shards}`);
  return shards === 1 ? 0 : jumpConsistentHash(fnv1a64(key), shards);
}

/** The Durable Object name of a tenant's shard. */
export function ledgerShardName(tenant: string, shard: number): string {
  return `${tenant}/${shard}`;
}

const MASK_64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();

function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of encoder.encode(text)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & MASK_64;
  return hash;
}

function jumpConsistentHash(key: bigint, buckets: number): number {
  let bucket = -1;
  let next = 0;
  let state = key;
  while (next < buckets) {
    bucket = next;
    state = (state * 2862933555777941757n + 1n) & MASK_64;
    next = Math.floor((bucket + 1) * (2 ** 31 / Number((state >> 33n) + 1n)));
  }
  return bucket;
}
