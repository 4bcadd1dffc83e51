/**
 * Keeps a Node test's requests on loopback: while installed, a fetch to one of the named public hosts (Amazon
 * S3's virtual-hosted buckets, storage.googleapis.com) goes to a loopback stand-in instead, byte for byte with
 * its headers, the original host in x-forwarded-host so that the stand-in checks the signature the real service
 * would; a fetch to 127.0.0.1 or [::1] goes through; any other fetch fails without sending anything.
 * @module
 */
import { vi } from "vitest";

/** Every host that was asked for, in order (the public ones the requests were meant for). */
export interface LoopbackRouting {
  hostsAsked: string[];
  restore(): void;
}

export function routePublicHostsTo(standIn: string, publicHosts: RegExp): LoopbackRouting {
  const realFetch = globalThis.fetch;
  const hostsAsked: string[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    const url = new URL(request.url);
    hostsAsked.push(url.host);
    if (url.hostname === "127.0.0.1" || url.hostname === "[::1]") return realFetch(request);
    if (!publicHosts.test(url.hostname)) throw new Error(`a test tried to send a request to ${url.host}`);
    const headers = new Headers(request.headers);
    headers.set("x-forwarded-host", url.host);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return realFetch(new URL(`${url.pathname}${url.search}`, standIn), {
      method: request.method,
      headers,
      body,
      signal: request.signal,
    });
  });
  return { hostsAsked, restore: () => spy.mockRestore() };
}
