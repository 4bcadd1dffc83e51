/**
 * A small stand-in for POST /v1/events on loopback, for the client's unit tests: each request is answered by
 * the test's script (status, headers, body, or a dropped connection), and every request is recorded with its
 * decoded body, so a test can say what the client sent, when and how often.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface ReceivedRequest {
  headers: IncomingMessage["headers"];
  wireBytes: number;
  body: { schemaversion: string; sentat?: string; events: Array<Record<string, unknown>> };
}

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | "drop"
  | "hang"
  | ((request: ReceivedRequest) => Answer);

export interface FakeCollector {
  url: string;
  requests: ReceivedRequest[];
  /** Answers for the next requests, in order; afterwards every request is accepted. */
  script: Answer[];
  /** The most requests ever open at once. */
  maxConcurrent: number;
  /** Every event accepted, in order (the events of 2xx answers, less the rejected indexes). */
  accepted: Array<Record<string, unknown>>;
  /** Delay before each answer (ms). */
  answerDelayMs: number;
  close(): Promise<void>;
}

export async function startFakeCollector(): Promise<FakeCollector> {
  let open = 0;
  const hanging: ServerResponse[] = [];
  const fake: FakeCollector = {
    url: "",
    requests: [],
    script: [],
    maxConcurrent: 0,
    accepted: [],
    answerDelayMs: 0,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (request, response) => {
    open++;
    fake.maxConcurrent = Math.max(fake.maxConcurrent, open);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const text = (request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      const received: ReceivedRequest = { headers: request.headers, wireBytes: raw.byteLength, body: JSON.parse(text) };
      fake.requests.push(received);
      let answer: Answer = fake.script.shift() ?? { status: 202 };
      while (typeof answer === "function") answer = answer(received);
      if (fake.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.answerDelayMs));
      if (answer === "drop") return void request.socket.destroy();
      if (answer === "hang") return void hanging.push(response);
      let body = answer.body;
      if (answer.status === 202 && body === undefined) {
        body = { accepted: received.body.events.length, rejected: [] };
      }
      if (answer.status >= 200 && answer.status < 300) {
        const rejected = new Set(
          ((body as { rejected?: Array<{ index: number }> }).rejected ?? []).map((entry) => entry.index),
        );
        received.body.events.forEach((event, index) => {
          if (!rejected.has(index)) fake.accepted.push(event);
        });
      }
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(JSON.stringify(body ?? {}));
    } finally {
      open--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** The collector's error body. */
export function errorAnswer(
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  retryAfter?: number,
): Answer {
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
  return { status, headers, body: { error: { code, message: code, ...extra } } };
}
