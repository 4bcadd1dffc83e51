/**
 * Part 4: dollars per million events at list prices, from the operations counted in this run (edge CPU per
 * request, consumer CPU, D1 rows from the consumer's and the purge's log lines, R2 puts and bytes, queue
 * message sizes) applied to a stated fleet profile. Each service's share is reported beside the total.
 * @module
 */
import type { ConsumerResult } from "../consumer/consumer-bench.js";
import type { EdgeResult } from "../edge/edge-load.js";
import { PRICES } from "./prices.js";

export const FLEET_PROFILE = {
  eventsPerRequest: 20,
  /** Bytes of JSON per event as the device sends it. */
  bytesPerEvent: 1000,
  dedupeWindowDays: 7,
  /** How long export files are kept in R2 (storage is priced per month held). */
  exportRetentionMonths: 1,
  /** gzip ratio of real event JSON; the seed mix repeats itself and compresses far better, so it is not used. */
  gzipRatio: 4,
  messagesPerConsumerBatch: 100,
  /** Queues counts ~100 bytes of metadata per message; a KB is 1,000 bytes. */
  queueChunkBytes: 64_000,
  queueMetadataBytes: 100,
  /**
   * Bytes a dedupe claim takes in D1 (eventid, file key, time; WITHOUT ROWID, no index): 165 packed, 186 as
   * inserted in id order, measured with SQLite over 100 files of 2,000 claims (with the two former indexes: 364).
   */
  d1BytesPerClaim: 186,
} as const;

export type CostService =
  | "Workers requests"
  | "Workers CPU"
  | "Queues"
  | "R2 Class A"
  | "R2 storage"
  | "D1 rows written"
  | "D1 rows read"
  | "D1 storage";

export interface CostLine {
  service: CostService;
  unitsPerMillionEvents: number;
  unit: string;
  usdPerMillionEvents: number;
}

export interface CostResult {
  lines: CostLine[];
  totalUsd: number;
  /** Bytes a queue message of one profile request carries (events + server fields). */
  profileMessageBytes: number;
}

const MILLION = 1_000_000;

export function costPerMillion(
  edge: EdgeResult,
  consumer: ConsumerResult,
  serverFieldBytesPerEvent: number,
): CostResult {
  const profile = FLEET_PROFILE;
  const requests = MILLION / profile.eventsPerRequest;
  const messages = requests; // the edge packs one 20-event request into one message
  const consumerInvocations = messages / profile.messagesPerConsumerBatch;
  const messageBytes = profile.eventsPerRequest * (profile.bytesPerEvent + serverFieldBytesPerEvent);
  const chunks = Math.ceil((messageBytes + profile.queueMetadataBytes) / profile.queueChunkBytes);
  const cpuMs = requests * edge.cpuMsPerSmallRequest + (MILLION / consumer.eventsPerBatch) * consumer.cpuMsPerBatch;
  const storedGb = (MILLION * (profile.bytesPerEvent + serverFieldBytesPerEvent)) / profile.gzipRatio / 1e9;
  const claimGbMonths = ((MILLION * profile.d1BytesPerClaim) / 1e9) * (claimDaysKept() / 30);
  const rowsWritten = MILLION * (consumer.d1RowsWrittenPerEvent + consumer.purgeRowsWrittenPerEvent);
  const rowsRead = MILLION * (consumer.d1RowsReadPerEvent + purgeRowsReadPerEvent(consumer));
  const r2Puts = (MILLION / consumer.eventsPerBatch) * consumer.r2PutsPerBatch;

  const line = (
    service: CostService,
    units: number,
    unit: string,
    usdPerUnitBatch: number,
    unitBatch: number,
  ): CostLine => ({
    service,
    unitsPerMillionEvents: units,
    unit,
    usdPerMillionEvents: (units / unitBatch) * usdPerUnitBatch,
  });
  const lines: CostLine[] = [
    line("Workers requests", requests + consumerInvocations, "requests", PRICES.workersRequests.usd, MILLION),
    line("Workers CPU", cpuMs, "CPU ms", PRICES.workersCpu.usd, MILLION),
    line("Queues", messages * chunks * 3, "operations", PRICES.queueOperations.usd, MILLION),
    line("R2 Class A", r2Puts, "puts", PRICES.r2ClassA.usd, MILLION),
    line("R2 storage", storedGb * profile.exportRetentionMonths, "GB-months", PRICES.r2Storage.usd, 1),
    line("D1 rows written", rowsWritten, "rows", PRICES.d1RowsWritten.usd, MILLION),
    line("D1 rows read", rowsRead, "rows", PRICES.d1RowsRead.usd, MILLION),
    line("D1 storage", claimGbMonths, "GB-months", PRICES.d1Storage.usd, 1),
  ];
  return {
    lines,
    totalUsd: lines.reduce((total, entry) => total + entry.usdPerMillionEvents, 0),
    profileMessageBytes: messageBytes,
  };
}

/**
 * Days a claim stays in D1: the window, plus half a day on average until the daily purge of its slice of the
 * eventid range (src/consumer/purge-exports.ts) comes round.
 */
function claimDaysKept(): number {
  return FLEET_PROFILE.dedupeWindowDays + 0.5;
}

/**
 * The purge reads every claim once a day (a day's runs scan the table once). A claim is kept between the window
 * and a day more, so it is read on at most window + 1 days, the last being the run that deletes it.
 */
export function purgeRowsReadPerEvent(consumer: ConsumerResult): number {
  return consumer.purgeRowsReadPerEventPerDay * (FLEET_PROFILE.dedupeWindowDays + 1);
}
