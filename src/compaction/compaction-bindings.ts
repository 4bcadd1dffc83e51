/**
 * What the closed-day jobs use: R2 (the export files and what they write beside them), D1 (the manifest, the
 * tenants), the ledger shards (where the manifest and the rollups of newer files live) and the delivery queue.
 * @module
 */
import type { LedgerBindings } from "../edge/ledger-shards.js";

export type CompactionBindings = Pick<Env, "EXPORTS" | "DB" | "DELIVERIES"> & LedgerBindings;
