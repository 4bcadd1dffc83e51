/**
 * Counts the request reports that came without events (src/core/events/request-report.ts: the edge sent them
 * alone, each with an id): one ledger call per (tenant, shard) of the batch, the shard chosen by the report's id
 * so a tenant's reports spread over its shards, each counted there once by id (src/ledger/shard-reports.ts).
 * A failed call retries its messages; the shard's record of ids makes the retry count nothing twice.
 * @module
 */
import type { ReportsResult } from "../core/exports/ledger-protocol.js";
import { ledgerShardName, shardOfSession } from "../core/exports/ledger-shards.js";
import type { RequestReport } from "../core/events/request-report.js";
import { logError } from "../core/foundation/log.js";
import { rollUpReports } from "../core/quality/report-rollups.js";
import type { ExportStorage } from "./export-tenant-group.js";
import type { Settlement } from "./settle.js";

export interface LoneReport {
  message: Message<unknown>;
  tenant: string;
  /** Has its id: the message schema requires one of a message without events. */
  report: RequestReport;
}

export async function countLoneReports(
  lone: readonly LoneReport[],
  storage: Pick<ExportStorage, "ledger" | "ledgerUsage">,
  shardsOf: (tenant: string) => number,
  now: Date,
): Promise<Map<Message<unknown>, Settlement>> {
  const groups = new Map<string, LoneReport[]>();
  for (const entry of lone) {
    const name = ledgerShardName(entry.tenant, shardOfSession(entry.report.id!, shardsOf(entry.tenant)));
    const group = groups.get(name);
    if (group) group.push(entry);
    else groups.set(name, [entry]);
  }
  const settlements = new Map<Message<unknown>, Settlement>();
  await Promise.all(
    [...groups].map(async ([name, entries]) => {
      const started = Date.now();
      let settlement: Settlement = "ack";
      try {
        const shard = storage.ledger.get(storage.ledger.idFromName(name));
        const result = (await shard.addReports({
          reports: entries.map(({ report }) => ({ id: report.id!, counts: rollUpReports([report], now) })),
        })) as ReportsResult;
        storage.ledgerUsage.calls++;
        storage.ledgerUsage.ms += Date.now() - started;
        storage.ledgerUsage.rowsRead += result.usage.rowsRead;
        storage.ledgerUsage.rowsWritten += result.usage.rowsWritten;
      } catch (error) {
        logError("batch_error", { shard: name, step: "reports" }, error);
        settlement = "retry";
      }
      for (const entry of entries) settlements.set(entry.message, settlement);
    }),
  );
  return settlements;
}
