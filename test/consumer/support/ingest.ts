/**
 * Sends events through the real Worker's POST /v1/events, either to the real queue or to a queue stand-in that
 * records the message bodies the edge produced (what was accepted, byte for byte).
 * @module
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { sign } from "hono/utils/jwt/jwt";
import { expect } from "vitest";
import worker from "../../../src/index.js";

export interface Sender {
  tenant: string;
  userid: string;
  deviceid: string;
}

/** Tests may share storage: each uses tenants of its own. */
export function uniqueTenant(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A device of a made-up tenant (the test config opens tenancy, so any tenant may send). */
export function senderFor(tenant: string): Sender {
  return { tenant, userid: `user-of-${tenant}`, deviceid: `device-of-${tenant}` };
}

export async function eventsRequest(sender: Sender, events: readonly unknown[]): Promise<Request> {
  const token = await sign(
    {
      tenant: sender.tenant,
      sub: sender.userid,
      deviceid: sender.deviceid,
      scope: "events:write",
      exp: Math.floor(Date.now() / 1000) + 600,
    },
    env.JWT_SECRET,
    "HS256",
  );
  return new Request("https://collector.test/v1/events", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ schemaversion: "1.0", events }),
  });
}

/** Posts through the Worker with a recording EVENTS queue; returns the message bodies it would have queued. */
export async function acceptedMessageBodies(sender: Sender, events: readonly unknown[]): Promise<string[]> {
  const bodies: string[] = [];
  const recordingQueue = {
    async send(body: unknown) {
      bodies.push(body as string);
    },
    async sendBatch(messages: Iterable<MessageSendRequest>) {
      for (const message of messages) bodies.push(message.body as string);
    },
  } as unknown as Queue;
  const ctx = createExecutionContext();
  const response = await worker.fetch(await eventsRequest(sender, events), { ...env, EVENTS: recordingQueue }, ctx);
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(202);
  expect(((await response.json()) as { accepted: number }).accepted).toBe(events.length);
  return bodies;
}

/** The events inside message bodies, as the edge serialised them. */
export function eventsOf(bodies: readonly string[]): Record<string, unknown>[] {
  return bodies.flatMap((body) => (JSON.parse(body) as { events: Record<string, unknown>[] }).events);
}
