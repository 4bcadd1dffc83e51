/**
 * The queue message between the edge and the consumer: JSON text {"v":1,"tenant":"…","events":[…]} holding many
 * events of one tenant, and optionally the request report (request-report.ts) of the request that sent them:
 * {"v":1,"tenant":"…","report":{…},"events":[…]}, or with no events {"v":1,"tenant":"…","report":{"id":…},
 * "events":[]} when none fits or the request queued none. Sent as text so the dead-letter copy in R2 is the
 * message byte for byte.
 * @module
 */
import { z } from "zod";
import { TENANT_PATTERN } from "../tenants/tenant-name.js";
import { utf8ByteLength } from "../foundation/utf8.js";
import { requestReportSchema, type RequestReport } from "./request-report.js";

export const QUEUE_MESSAGE_VERSION = 1;

/** Cloudflare Queues allows 128 KB a message and 256 KB / 100 messages a sendBatch; these keep a margin. */
export const QUEUE_LIMITS = {
  maxMessageBytes: 120_000,
  maxBatchBytes: 240_000,
  maxBatchMessages: 100,
} as const;

const MESSAGE_PREFIX_BYTES = 64;

/**
 * Packs export lines (export-line.ts: each event's JSON text) into as few messages as the message limit allows,
 * in order. A report rides in the first message it fits in (the consumer counts it with that message's first
 * event); when it fits in none, or there are no events, it is a message of its own with an id.
 */
export function packEventMessages(tenant: string, lines: readonly string[], report?: RequestReport): string[] {
  const messages = packLines(tenant, lines);
  if (!report) return messages;
  const reportJson = JSON.stringify(report);
  const reportBytes = utf8ByteLength(reportJson) + REPORT_FIELD_BYTES;
  const carrier = messages.findIndex(
    (message) => utf8ByteLength(message) + reportBytes <= QUEUE_LIMITS.maxMessageBytes,
  );
  const opening = `{"v":${QUEUE_MESSAGE_VERSION},"tenant":${JSON.stringify(tenant)},`;
  if (carrier === -1) {
    const alone = JSON.stringify({ id: crypto.randomUUID(), ...report });
    return [...messages, `${opening}"report":${alone},"events":[]}`];
  }
  messages[carrier] = `${opening}"report":${reportJson},${messages[carrier]!.slice(opening.length)}`;
  return messages;
}

/**
 * The messages of each queue partition (src/core/exports/queue-partitions.ts) that carries some of the lines,
 * `partitionOfLine[i]` being line i's: the lines of one partition packed in their order, the report riding with
 * the partition of the first line (with partition 0 when there are no lines).
 */
export function packPartitionedMessages(
  tenant: string,
  lines: readonly string[],
  partitionOfLine: readonly number[],
  report?: RequestReport,
): Map<number, string[]> {
  const linesByPartition = new Map<number, string[]>();
  lines.forEach((line, index) => {
    const partition = partitionOfLine[index] ?? 0;
    const group = linesByPartition.get(partition);
    if (group) group.push(line);
    else linesByPartition.set(partition, [line]);
  });
  const reportPartition = partitionOfLine[0] ?? 0;
  if (!linesByPartition.has(reportPartition)) linesByPartition.set(reportPartition, []);
  const messages = new Map<number, string[]>();
  for (const [partition, group] of linesByPartition) {
    messages.set(partition, packEventMessages(tenant, group, partition === reportPartition ? report : undefined));
  }
  return messages;
}

/** Whether `message`, one of packEventMessages' for `tenant`, is the one that carries the request report. */
export function carriesReport(tenant: string, message: string): boolean {
  return message.startsWith(`{"v":${QUEUE_MESSAGE_VERSION},"tenant":${JSON.stringify(tenant)},"report":`);
}

/** `"report":` and its comma. */
const REPORT_FIELD_BYTES = 10;

function packLines(tenant: string, lines: readonly string[]): string[] {
  const prefix = `{"v":${QUEUE_MESSAGE_VERSION},"tenant":${JSON.stringify(tenant)},"events":[`;
  const messages: string[] = [];
  let parts: string[] = [];
  let bytes = MESSAGE_PREFIX_BYTES;
  for (const json of lines) {
    const size = utf8ByteLength(json) + 1;
    if (size + MESSAGE_PREFIX_BYTES > QUEUE_LIMITS.maxMessageBytes) {
      throw new Error(`an event of ${size} bytes cannot fit in one queue message`);
    }
    if (parts.length > 0 && bytes + size > QUEUE_LIMITS.maxMessageBytes) {
      messages.push(`${prefix}${parts.join(",")}]}`);
      parts = [];
      bytes = MESSAGE_PREFIX_BYTES;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) messages.push(`${prefix}${parts.join(",")}]}`);
  return messages;
}

/** Groups messages into sendBatch calls within the count and byte limits of one call. */
export function groupIntoSendBatches(messages: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = utf8ByteLength(message);
    const full = current.length === QUEUE_LIMITS.maxBatchMessages || bytes + size > QUEUE_LIMITS.maxBatchBytes;
    if (current.length > 0 && full) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const queuedEventSchema = z.looseObject({
  eventid: z.uuid(),
  receivedat: z.iso.datetime({ precision: 3 }),
  /** Absent from messages queued before event times existed (and redriven since). */
  eventtime: z.iso.datetime({ precision: 3 }).optional(),
  type: z.string(),
});

const eventMessageSchema = z
  .object({
    v: z.literal(QUEUE_MESSAGE_VERSION),
    tenant: z.string().regex(TENANT_PATTERN),
    report: requestReportSchema.optional(),
    events: z.array(queuedEventSchema),
  })
  .refine((message) => message.events.length > 0 || message.report?.id !== undefined, {
    error: "a message holds events, or a report with its id",
  });

export type EventMessage = z.infer<typeof eventMessageSchema>;

/**
 * Reads a queue message body; throws on anything the edge would not have sent (a poison message). Returns the
 * parsed JSON itself, once zod has checked it: zod's own output copies every event with the schema's keys first,
 * which would reorder the fields of every exported line (the edge writes server fields first, then the event as
 * the device sent it), and a second parse to get the plain value back would double the batch's garbage.
 */
export function parseEventMessage(body: unknown): EventMessage {
  if (typeof body !== "string") throw new Error("queue message body is not text");
  const value: unknown = JSON.parse(body);
  eventMessageSchema.parse(value);
  return value as EventMessage;
}

/** What GET /readyz sends to prove the queue takes messages; the consumer acks it and writes nothing. */
export const READINESS_PROBE = JSON.stringify({ v: QUEUE_MESSAGE_VERSION, probe: "readyz" });

export function isReadinessProbe(body: unknown): boolean {
  return body === READINESS_PROBE;
}
