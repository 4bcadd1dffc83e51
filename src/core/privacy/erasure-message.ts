/**
 * The message of the erasures queue: one slice of one erasure, named by its id (the userid stays in D1).
 * @module
 */
import { z } from "zod";

export const ERASURE_MESSAGE_VERSION = 1;

const erasureMessageSchema = z.object({ v: z.literal(ERASURE_MESSAGE_VERSION), erasure: z.string().min(1) });

export function erasureMessageBody(id: string): string {
  return JSON.stringify({ v: ERASURE_MESSAGE_VERSION, erasure: id });
}

/** The erasure id a message carries; throws on a body the collector would not have sent. */
export function parseErasureMessage(body: unknown): string {
  if (typeof body !== "string") throw new Error("erasure message body is not text");
  return erasureMessageSchema.parse(JSON.parse(body)).erasure;
}
