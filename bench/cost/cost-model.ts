/**
 * Part 4: dollars per million events at list prices, from the operations counted in this run (edge CPU per
 * request, consumer CPU, ledger calls and the rows the shards and D1 read and wrote from the consumer's log
 * lines, the time the consumer waited on the shards, R2 puts and bytes, queue message sizes, the shards' size)
 * applied to a stated fleet profile, one result per consumer profile (tenants per batch). Each service's share is
 * reported beside the total.
 * @module
 */
import type { ConsumerResult } from "../consumer/consumer-bench.js";
import type { EdgeResult } from "../edge/edge-load.js";
import { PRICES } from "../../src/core/usage/list-prices.js";
import { queueOperationsOf } from "../../src/core/usage/usage-cost.js";

export const FLEET_PROFILE = {
  eventsPerRequest: 20,
  /** Bytes of JSON per event as the device sends it. */
  bytesPerEvent: 1000,
  dedupeWindowDays: 7,
  /** How long export files are kept in R2 (storage is priced per month held). */
  exportRetentionMonths: 1,
  /** How long a shard keeps its files' facts (MANIFEST_RETENTION_DAYS): its storage is held that long. */
  manifestRetentionDays: 31,
  /** gzip ratio of real event JSON; the seed mix repeats itself and compresses far better, so it is not used. */
  gzipRatio: 4,
  messagesPerConsumerBatch: 100,
  /** A Durable Object is billed 128 MB while active. */
  durableObjectGb: 0.128,
  /**
   * The fleet's volume for what a shard keeps per tenant rather than per event (a day's rollup row, a minute's,
   * the empty shard's own pages): the smallest volume of docs/scale.md, 1 million events a day, shared by the
   * profile's tenants. A busier fleet spreads these rows over more events.
   */
  fleetEventsPerDay: 1_000_000,
  /** Days each kind of shard row is kept (shard-sweep.ts): the window plus the day tables' day, the fold's two days. */
  runsKeptDays: 8,
  minuteRollupsKeptDays: 2,
  dayRollupsKeptDays: 400,
} as const;

export type CostService =
  | "Workers requests"
  | "Workers CPU"
  | "Queues"
  | "R2 Class A"
  | "R2 storage"
  | "DO requests"
  | "DO duration"
  | "DO rows written"
  | "DO rows read"
  | "DO storage"
  | "D1 rows written"
  | "D1 rows read";

export interface CostLine {
  service: CostService;
  unitsPerMillionEvents: number;
  unit: string;
  usdPerMillionEvents: number;
}

export interface CostResult {
  tenantsPerBatch: number;
  lines: CostLine[];
  totalUsd: number;
  /** Bytes a queue message of one profile request carries (events + server fields). */
  profileMessageBytes: number;
}

const MILLION = 1_000_000;
/** A shard's alarm runs hourly while it holds anything (src/ledger/shard-sweep.ts); each run is a billed request. */
const ALARMS_PER_SHARD_DAY = 24;

/**
 * How long the batch's shards were active, at most: the consumer's wait on them, but no more than the whole
 * workerd process's CPU time for the batch (a shard's claim and commit do no I/O besides its own SQLite, so it is
 * busy only while it computes; the wait also counts the other shards and the consumer sharing this machine's
 * cores).
 */
function shardActiveMsPerBatch(consumer: ConsumerResult): number {
  return Math.min(consumer.ledgerMsPerBatch, consumer.cpuMsPerBatch);
}

/**
 * GB-months a million events keep in the shards: each kind of row for as long as it is kept. Runs and files
 * grow with events (bytes per event measured); a rollup row serves every event of its tenant's minute or day, so
 * its bytes are shared by the events a tenant of the fleet profile sends in one; the empty shard's pages are kept
 * for every month the tenant exists.
 */
export function shardStorageGbMonths(consumer: ConsumerResult): number {
  const profile = FLEET_PROFILE;
  const { storage, storedEvents } = consumer;
  const perEvent = (bytes: number) => bytes / Math.max(1, storedEvents);
  const perRow = (kind: { rows: number; bytes: number }) => kind.bytes / Math.max(1, kind.rows);
  const tenantEventsPerDay = profile.fleetEventsPerDay / consumer.profile.tenantsPerBatch;
  // A tenant's minute rows: one per minute it sends in, at most one per event.
  const tenantEventsPerMinute = Math.max(1, tenantEventsPerDay / (24 * 60));
  const byteMonthsPerEvent =
    perEvent(storage.runs.bytes) * (profile.runsKeptDays / 30) +
    perEvent(storage.files.bytes + storage.other.bytes) * (profile.manifestRetentionDays / 30) +
    (perRow(storage.minuteRollups) / tenantEventsPerMinute) * (profile.minuteRollupsKeptDays / 30) +
    (perRow(storage.dayRollups) / tenantEventsPerDay) * (profile.dayRollupsKeptDays / 30) +
    (consumer.emptyShardBytes * consumer.profile.shards) / (tenantEventsPerDay * 30);
  return (MILLION * byteMonthsPerEvent) / 1e9;
}

/**
 * Rows and requests a shard costs per day whatever it holds (its hourly alarm, its daily sweep's bookkeeping),
 * shared by the events its tenant sends that day (the fleet profile's volume).
 */
function perShardDayShare(consumer: ConsumerResult, perShardDay: number): number {
  const tenantEventsPerDay = FLEET_PROFILE.fleetEventsPerDay / consumer.profile.tenantsPerBatch;
  return (MILLION * perShardDay * consumer.profile.shards) / tenantEventsPerDay;
}

export function costPerMillion(edge: EdgeResult, consumer: ConsumerResult): CostResult {
  const profile = FLEET_PROFILE;
  const requests = MILLION / profile.eventsPerRequest;
  const messages = requests; // the edge packs one 20-event request into one message
  const consumerInvocations = messages / profile.messagesPerConsumerBatch;
  const batches = MILLION / consumer.eventsPerBatch;
  const messageBytes = profile.eventsPerRequest * (profile.bytesPerEvent + consumer.serverFieldBytesPerEvent);
  const cpuMs = requests * edge.cpuMsPerSmallRequest + batches * consumer.cpuMsPerBatch;
  const storedGb = (MILLION * (profile.bytesPerEvent + consumer.serverFieldBytesPerEvent)) / profile.gzipRatio / 1e9;
  const shardGbMonths = shardStorageGbMonths(consumer);
  // Rows of the exports, of their ageing out, and of the shards' daily bookkeeping.
  const shardRows = {
    written:
      MILLION * (consumer.ledgerRowsWrittenPerEvent + consumer.agingRowsWrittenPerEvent) +
      perShardDayShare(consumer, consumer.dailySweepRowsWrittenPerShard),
    read:
      MILLION * (consumer.ledgerRowsReadPerEvent + consumer.agingRowsReadPerEvent) +
      perShardDayShare(consumer, consumer.dailySweepRowsReadPerShard),
  };

  const line = (service: CostService, units: number, unit: string, usd: number, per: number): CostLine => ({
    service,
    unitsPerMillionEvents: units,
    unit,
    usdPerMillionEvents: (units / per) * usd,
  });
  const lines: CostLine[] = [
    line("Workers requests", requests + consumerInvocations, "requests", PRICES.workersRequests.usd, MILLION),
    line("Workers CPU", cpuMs, "CPU ms", PRICES.workersCpu.usd, MILLION),
    line("Queues", messages * queueOperationsOf(messageBytes), "operations", PRICES.queueOperations.usd, MILLION),
    line("R2 Class A", batches * consumer.r2PutsPerBatch, "puts", PRICES.r2ClassA.usd, MILLION),
    line("R2 storage", storedGb * profile.exportRetentionMonths, "GB-months", PRICES.r2Storage.usd, 1),
    line(
      "DO requests",
      batches * consumer.ledgerCallsPerBatch + perShardDayShare(consumer, ALARMS_PER_SHARD_DAY),
      "calls",
      PRICES.doRequests.usd,
      MILLION,
    ),
    line(
      "DO duration",
      ((batches * shardActiveMsPerBatch(consumer)) / 1000) * profile.durableObjectGb,
      "GB-s",
      PRICES.doDuration.usd,
      MILLION,
    ),
    line("DO rows written", shardRows.written, "rows", PRICES.doRowsWritten.usd, MILLION),
    line("DO rows read", shardRows.read, "rows", PRICES.doRowsRead.usd, MILLION),
    line("DO storage", shardGbMonths, "GB-months", PRICES.doStorage.usd, 1),
    line("D1 rows written", MILLION * consumer.d1RowsWrittenPerEvent, "rows", PRICES.d1RowsWritten.usd, MILLION),
    line("D1 rows read", MILLION * consumer.d1RowsReadPerEvent, "rows", PRICES.d1RowsRead.usd, MILLION),
  ];
  return {
    tenantsPerBatch: consumer.profile.tenantsPerBatch,
    lines,
    totalUsd: lines.reduce((total, entry) => total + entry.usdPerMillionEvents, 0),
    profileMessageBytes: messageBytes,
  };
}
