/**
 * Sends events through the real Worker's POST /v1/events: any body with any headers and token (the edge's
 * tests), or a device's batch, to the real queue or to a recording stand-in that returns the message bodies the
 * edge produced (what was accepted, byte for byte) for the consumer's tests.
 * @module
 */
import { expect } from "vitest";
import { recordingQueue } from "./recording-queue.js";
import { deviceClaims, signToken, type TestClaims } from "./tokens.js";
import { callWorker, collectorRequest } from "./worker.js";

export interface PostOptions {
  claims?: TestClaims;
  token?: string | null;
  headers?: Record<string, string>;
  cf?: Record<string, unknown>;
  env?: Partial<Env>;
}

export function envelope(events: unknown[]): { schemaversion: string; events: unknown[] } {
  return { schemaversion: "1.0", events };
}

/** POSTs a body (an object is sent as JSON) to /v1/events with a valid device token unless told otherwise. */
export async function postEvents(body: unknown, options: PostOptions = {}): Promise<Response> {
  const token = options.token === undefined ? await signToken(options.claims ?? deviceClaims()) : options.token;
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const raw = body instanceof Uint8Array || typeof body === "string" || body instanceof ReadableStream;
  const payload = raw ? body : JSON.stringify(body);
  const init: RequestInit<CfProperties> = { method: "POST", headers, body: payload };
  if (options.cf) init.cf = options.cf as CfProperties;
  return callWorker(collectorRequest("/v1/events", init), options.env);
}

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A device of a tenant: whose token it sends with. */
export interface Sender {
  tenant: string;
  userid: string;
  deviceid: string;
}

/** A device of a made-up tenant (the test config opens tenancy, so any tenant may send). */
export function senderFor(tenant: string): Sender {
  return { tenant, userid: `user-of-${tenant}`, deviceid: `device-of-${tenant}` };
}

/** The sender's POST /v1/events of `events`, with its events:write token (and the envelope's sentat if given). */
export async function eventsRequest(sender: Sender, events: readonly unknown[], sentat?: string): Promise<Request> {
  const token = await signToken({
    tenant: sender.tenant,
    sub: sender.userid,
    deviceid: sender.deviceid,
    scope: "events:write",
    exp: Math.floor(Date.now() / 1000) + 600,
  });
  return collectorRequest("/v1/events", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(sentat === undefined ? envelope([...events]) : { ...envelope([...events]), sentat }),
  });
}

/** Posts through the Worker with a recording EVENTS queue; returns the message bodies it would have queued. */
export async function acceptedMessageBodies(
  sender: Sender,
  events: readonly unknown[],
  sentat?: string,
): Promise<string[]> {
  const recorder = recordingQueue({ forwardTo: null });
  const response = await callWorker(await eventsRequest(sender, events, sentat), { EVENTS: recorder.queue });
  expect(response.status).toBe(202);
  expect(((await response.json()) as { accepted: number }).accepted).toBe(events.length);
  return recorder.bodies();
}
