/**
 * The consumer of the events queue: reads each message, exports each (tenant, ledger shard)'s events as one file
 * (export-tenant-group.ts), settles every message on its own, and logs one `batch` line.
 * A poison message is kept as a dead letter right away and acked: it can never parse, so the queue's retries
 * would only delay it (and re-run the batch's work) before the DLQ consumer stored the very same bytes.
 * Request reports (src/core/events/request-report.ts) ride along: one with events is counted in the commit of
 * the file holding its message's first event; one alone is counted in a ledger shard by its id
 * (count-lone-reports.ts); the samples of both go to R2 (rejected-samples.ts).
 * @module
 */
import { logError, logInfo } from "../core/foundation/log.js";
import { isReadinessProbe } from "../core/events/queue-message.js";
import { ledgerRoutingOf, readConfig } from "../core/foundation/config.js";
import { groupByShard } from "../core/exports/shard-groups.js";
import type { DecodedMessage } from "../core/exports/tenant-groups.js";
import type { RequestReport } from "../core/events/request-report.js";
import { D1Usage } from "./d1-usage.js";
import { keepDeadLetter } from "./dead-letter.js";
import { type AckedMessage, countTenantUsage, tallyBatch } from "./count-tenant-usage.js";
import { decodeEventMessage } from "./decode-message.js";
import { exportShardGroup, type GroupOutcome } from "./export-tenant-group.js";
import { settleMessage, type Settlement } from "./settle.js";
import { countLoneReports, type LoneReport } from "./count-lone-reports.js";
import { writeRejectedSamples } from "./rejected-samples.js";

export type ExportBindings = Pick<Env, "EXPORTS" | "DB" | "DELIVERIES" | "LEDGER"> & Parameters<typeof readConfig>[0];

export async function exportEvents(batch: MessageBatch<unknown>, env: ExportBindings): Promise<void> {
  const started = Date.now();
  const usage = new D1Usage();
  const decoded: DecodedMessage<Message<unknown>>[] = [];
  const lone: LoneReport[] = [];
  const poison: Message<unknown>[] = [];
  for (const message of batch.messages) {
    if (isReadinessProbe(message.body)) {
      message.ack();
      continue;
    }
    try {
      const entry = { message, ...decodeEventMessage(message.body) };
      if (entry.events.length > 0) decoded.push(entry);
      else lone.push({ message, tenant: entry.tenant, report: entry.report! });
    } catch {
      poison.push(message);
    }
  }
  const now = new Date();
  const config = readConfig(env);
  const routingOf = (tenant: string) => ledgerRoutingOf(config, tenant, now.getTime());
  const groups = groupByShard(decoded, routingOf);
  const storage = {
    bucket: env.EXPORTS,
    db: env.DB,
    ledger: env.LEDGER,
    usage,
    ledgerUsage: { calls: 0, rowsRead: 0, rowsWritten: 0, ms: 0, maxShardMs: 0, maxShardBytes: 0 },
    deliveries: env.DELIVERIES,
    honourLegacyClaims:
      config.ledger.legacyClaimsUntil === undefined || now.getTime() < config.ledger.legacyClaimsUntil,
  };
  const [exported, kept, reported, samplesWritten] = await Promise.all([
    Promise.all(
      groups.map(async (group) => {
        const outcome = await exportShardGroup(group, storage, now).catch(unexpectedFailure(group.tenant));
        return { tenant: group.tenant, messages: group.messages, outcome };
      }),
    ),
    Promise.all(
      poison.map(async (message) => ({ message, settlement: await keepPoison(message, batch.queue, env.EXPORTS) })),
    ),
    countLoneReports(lone, storage, (tenant) => routingOf(tenant).shards, now),
    writeRejectedSamples(env.EXPORTS, [...decoded, ...lone], config.quality.samplesPerPathHour),
  ]);
  // A message whose events went to several shards is retried if any of them failed.
  const settlements = new Map<Message<unknown>, GroupOutcome["settle"]>();
  for (const { messages, outcome } of exported) {
    for (const message of messages) if (settlements.get(message) !== "retry") settlements.set(message, outcome.settle);
  }
  for (const [message, settlement] of settlements) settleMessage(message, settlement);
  for (const { message, settlement } of kept) settleMessage(message, settlement);
  for (const [message, settlement] of reported) settleMessage(message, settlement);
  const acked = [...ackedMessages(decoded, settlements), ...ackedMessages(lone, reported)];
  await countTenantUsage(env.DB, tallyBatch(acked, exported), now, usage);

  const outcomes = exported.map((entry) => entry.outcome);
  const retried = [...settlements.values()].filter((settlement) => settlement === "retry");
  logInfo("batch", {
    queue: batch.queue,
    messages: batch.messages.length,
    events_in: sum(outcomes, "eventsIn"),
    duplicates_dropped: sum(outcomes, "duplicatesDropped"),
    files: sum(outcomes, "filesWritten"),
    bytes_written: sum(outcomes, "bytesWritten"),
    d1_rows_read: usage.rowsRead,
    d1_rows_written: usage.rowsWritten,
    ledger_calls: storage.ledgerUsage.calls,
    ledger_rows_read: storage.ledgerUsage.rowsRead,
    ledger_rows_written: storage.ledgerUsage.rowsWritten,
    ledger_ms: storage.ledgerUsage.ms,
    ledger_max_shard_ms: storage.ledgerUsage.maxShardMs,
    ledger_max_shard_bytes: storage.ledgerUsage.maxShardBytes,
    duration_ms: Date.now() - started,
    attempts: Math.max(0, ...batch.messages.map((message) => message.attempts)),
    tenants: new Set(groups.map((group) => group.tenant)).size,
    shard_groups: groups.length,
    reports_alone: lone.length,
    samples_written: samplesWritten,
    retried:
      retried.length +
      kept.filter((entry) => entry.settlement === "retry").length +
      [...reported.values()].filter((settlement) => settlement === "retry").length,
    poison: poison.length,
  });
}

/** The messages of `entries` (with events, or reports alone) that were acked, for the tenants' usage. */
function ackedMessages(
  entries: readonly {
    message: Message<unknown>;
    tenant: string;
    events?: readonly unknown[];
    report?: RequestReport | undefined;
  }[],
  settlements: ReadonlyMap<Message<unknown>, Settlement>,
): AckedMessage[] {
  return entries
    .filter((entry) => settlements.get(entry.message) === "ack")
    .map((entry) => ({
      tenant: entry.tenant,
      events: entry.events?.length ?? 0,
      body: entry.message.body,
      usage: entry.report?.usage,
    }));
}

async function keepPoison(message: Message<unknown>, queue: string, bucket: R2Bucket): Promise<Settlement> {
  try {
    await keepDeadLetter(bucket, { message, queue, reason: "poison" });
    return "ack";
  } catch (error) {
    logError("batch_error", { queue, step: "deadletter", message_id: message.id }, error);
    return "retry";
  }
}

// exportShardGroup turns every storage failure into a retry; this catches only a bug, and still settles.
function unexpectedFailure(tenant: string) {
  return (error: unknown): GroupOutcome => {
    logError("batch_error", { tenant, step: "unexpected" }, error);
    return { settle: "retry", eventsIn: 0, duplicatesDropped: 0, filesWritten: 0, bytesWritten: 0 };
  };
}

function sum(outcomes: readonly GroupOutcome[], field: Exclude<keyof GroupOutcome, "settle">): number {
  return outcomes.reduce((total, outcome) => total + outcome[field], 0);
}
