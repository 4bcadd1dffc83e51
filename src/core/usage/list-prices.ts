/**
 * Cloudflare list prices, the one source of truth for both the bench's cost model (bench/cost/cost-model.ts) and
 * the per-tenant cost estimate of the operator's usage report (core/usage/usage-cost.ts): the overage rate of each unit on the Workers Paid plan,
 * looked up on the date below from each product's "Pricing" page in the Cloudflare developer docs. The plan's
 * monthly allowances (10M requests, 30M CPU ms, 1M queue operations, 50M D1 rows written, ...) and its $5
 * subscription are not subtracted: these are marginal costs, what one more million events adds at scale.
 * @module
 */

export const PRICES_AS_OF = "2026-11-26";

export interface Price {
  usd: number;
  per: string;
  source: string;
}

export const PRICES = {
  workersRequests: { usd: 0.3, per: "million requests", source: "Workers › Platform › Pricing (Standard usage model)" },
  workersCpu: { usd: 0.02, per: "million CPU ms", source: "Workers › Platform › Pricing (Standard usage model)" },
  queueOperations: {
    usd: 0.4,
    per: "million operations (each 64 KB written, read or deleted)",
    source: "Queues › Platform › Pricing",
  },
  r2ClassA: {
    usd: 4.5,
    per: "million Class A operations (PutObject, DeleteObjects, …)",
    source: "R2 › Pricing (Standard storage)",
  },
  r2ClassB: {
    usd: 0.36,
    per: "million Class B operations (GetObject, HeadObject, …)",
    source: "R2 › Pricing (Standard storage)",
  },
  r2Storage: { usd: 0.015, per: "GB-month", source: "R2 › Pricing (Standard storage)" },
  d1RowsRead: { usd: 0.001, per: "million rows read", source: "D1 › Platform › Pricing" },
  d1RowsWritten: { usd: 1.0, per: "million rows written", source: "D1 › Platform › Pricing" },
  d1Storage: { usd: 0.75, per: "GB-month", source: "D1 › Platform › Pricing" },
  doRequests: {
    usd: 0.15,
    per: "million requests (RPC calls included)",
    source: "Durable Objects › Platform › Pricing",
  },
  doDuration: {
    usd: 12.5,
    per: "million GB-s (128 MB per active object)",
    source: "Durable Objects › Platform › Pricing",
  },
  doRowsRead: { usd: 0.001, per: "million rows read (SQLite storage)", source: "Durable Objects › Platform › Pricing" },
  doRowsWritten: {
    usd: 1.0,
    per: "million rows written (SQLite storage)",
    source: "Durable Objects › Platform › Pricing",
  },
  doStorage: { usd: 0.2, per: "GB-month (SQLite storage)", source: "Durable Objects › Platform › Pricing" },
} as const satisfies Record<string, Price>;
