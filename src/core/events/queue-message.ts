/**
 * The queue message between the edge and the consumer: JSON text {"v":1,"tenant":"…","events":[…]} holding many
 * events of one tenant. Sent as text so the dead-letter copy in R2 is the message byte for byte.
 * @module
 */
import { z } from "zod";
import { TENANT_PATTERN } from "../tenants/tenant-name.js";
import { utf8ByteLength } from "../foundation/utf8.js";

export const QUEUE_MESSAGE_VERSION = 1;

/** Cloudflare Queues allows 128 KB a message and 256 KB / 100 messages a sendBatch; these keep a margin. */
export const QUEUE_LIMITS = {
  maxMessageBytes: 120_000,
  maxBatchBytes: 240_000,
  maxBatchMessages: 100,
} as const;

const MESSAGE_PREFIX_BYTES = 64;

/** Packs export lines (export-line.ts: each event's JSON text) into as few messages as the message limit allows, in order. */
export function packEventMessages(tenant: string, lines: readonly string[]): string[] {
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

const eventMessageSchema = z.object({
  v: z.literal(QUEUE_MESSAGE_VERSION),
  tenant: z.string().regex(TENANT_PATTERN),
  events: z.array(queuedEventSchema).min(1),
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
