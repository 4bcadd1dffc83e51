/**
 * Drives the real Worker's fetch handler with real bindings, optionally swapping one binding for a wrapper.
 * @module
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index.js";
import { deviceClaims, signToken, type TestClaims } from "./tokens.js";

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

export async function callWorker(request: Request, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
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
  return callWorker(new Request("https://collector.test/v1/events", init), options.env);
}

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
