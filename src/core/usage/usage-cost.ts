/**
 * The estimated cost of a tenant's counted traffic at the list prices the bench uses (list-prices.ts, the one
 * source of truth): each counter that maps to a billed unit, priced on its own. What is not counted per tenant
 * (Workers CPU, the ledger's Durable Object calls, rows and storage, D1 rows) is not in the estimate; the bench
 * prices those per million events (BENCHMARKS.md, Cost). Also the queue's billing unit, which the consumer counts
 * per message and the bench's cost model applies to its fleet profile.
 * @module
 */
import { PRICES } from "./list-prices.js";
import type { UsageCounts } from "./tenant-usage.js";

/** Queues bills a write, a read and a delete per 64 KB (1 KB = 1,000 bytes) of a message, with ~100 bytes of metadata. */
export const QUEUE_BILLING = { chunkBytes: 64_000, metadataBytes: 100, operationsPerChunk: 3 } as const;

/** The queue operations one message of `bytes` costs, sent, consumed and acked once. */
export function queueOperationsOf(bytes: number): number {
  return QUEUE_BILLING.operationsPerChunk * Math.ceil((bytes + QUEUE_BILLING.metadataBytes) / QUEUE_BILLING.chunkBytes);
}

export interface UsageCost {
  /** The sum of the lines, in US dollars. */
  usd: number;
  /** What each billed unit adds: ingest requests, queue operations, R2 puts of export files, R2 reads of delivered
   * files, and the exported bytes stored for a month. */
  lines: {
    workers_requests: number;
    queue_operations: number;
    r2_class_a: number;
    r2_class_b: number;
    r2_storage_month: number;
  };
}

const MILLION = 1_000_000;

export function estimateCost(counts: UsageCounts): UsageCost {
  const lines = {
    workers_requests: (counts.requests / MILLION) * PRICES.workersRequests.usd,
    queue_operations: (counts.queue_operations / MILLION) * PRICES.queueOperations.usd,
    r2_class_a: (counts.files_exported / MILLION) * PRICES.r2ClassA.usd,
    r2_class_b: (counts.files_delivered / MILLION) * PRICES.r2ClassB.usd,
    r2_storage_month: (counts.bytes_exported / 1e9) * PRICES.r2Storage.usd,
  };
  const usd = Object.values(lines).reduce((total, line) => total + line, 0);
  return { usd: roundUsd(usd), lines: roundLines(lines) };
}

/** Dollars to a billionth (a tenant's day may cost less than a cent), without float noise. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

function roundLines<T extends Record<string, number>>(lines: T): T {
  return Object.fromEntries(Object.entries(lines).map(([name, usd]) => [name, roundUsd(usd)])) as T;
}
