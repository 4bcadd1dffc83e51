/**
 * A loopback proxy in front of the local Worker that misbehaves on command, for the device client's end-to-end
 * test: answers 503 or 429 itself (Retry-After: 1), takes the network away (every connection reset), or passes
 * requests to the Worker and then drops the connection after the Worker accepted the body, so the device never
 * hears it. A hook runs after each accepted request, before its answer is passed on: the test kills the
 * device's process there, in the middle of its request.
 * @module
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type FaultMode = "pass" | "503" | "429" | "drop_after_accept" | "offline";

export interface FaultProxy {
  url: URL;
  mode: FaultMode;
  /** Runs when the Worker accepted a device's request; "drop" makes the proxy drop the connection instead of answering. */
  afterAccepted: (device: string) => Promise<"answer" | "drop">;
  /** Requests per outcome: forwarded, accepted, 503, 429, dropped, offline. */
  counts: Record<string, number>;
  close(): Promise<void>;
}

/** Headers a device sends that the Worker needs; hop-by-hop ones stay here. */
const FORWARDED = ["authorization", "content-type", "content-encoding"];

export async function startFaultProxy(target: URL): Promise<FaultProxy> {
  const proxy: FaultProxy = {
    url: new URL("http://127.0.0.1"),
    mode: "pass",
    afterAccepted: async () => "answer",
    counts: {},
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const count = (outcome: string) => {
    proxy.counts[outcome] = (proxy.counts[outcome] ?? 0) + 1;
  };
  const server = createServer(async (request, response) => {
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      return void request.socket.destroy(); // the device went away mid-upload
    }
    if (proxy.mode === "offline") {
      count("offline");
      return void request.socket.destroy();
    }
    if (proxy.mode === "503" || proxy.mode === "429") {
      count(proxy.mode);
      const code = proxy.mode === "503" ? "temporarily_unavailable" : "rate_limited";
      response.writeHead(Number(proxy.mode), { "content-type": "application/json", "retry-after": "1" });
      return void response.end(JSON.stringify({ error: { code, message: "injected by the fault proxy" } }));
    }
    count("forwarded");
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    let answer: Response;
    try {
      answer = await fetch(new URL(request.url ?? "/", target), { method: request.method, headers, body });
    } catch {
      return void request.socket.destroy();
    }
    const text = await answer.text();
    if (answer.status === 202) {
      count("accepted");
      const dropMode = proxy.mode === "drop_after_accept";
      if (dropMode || (await proxy.afterAccepted(deviceOf(request))) === "drop") {
        count("dropped");
        return void request.socket.destroy();
      }
    }
    const relayed: Record<string, string> = {
      "content-type": answer.headers.get("content-type") ?? "application/json",
    };
    const retryAfter = answer.headers.get("retry-after");
    if (retryAfter) relayed["retry-after"] = retryAfter;
    response.writeHead(answer.status, relayed);
    response.end(text);
  });
  server.on("connection", (socket) => {
    if (proxy.mode === "offline") {
      count("offline");
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return proxy;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The `deviceid` claim of the request's bearer token (the proxy only reads it, to know whose request it is). */
function deviceOf(request: IncomingMessage): string {
  const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      deviceid?: string;
    };
    return claims.deviceid ?? "";
  } catch {
    return "";
  }
}
