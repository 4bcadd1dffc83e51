/**
 * The load generator, run as its own Node process (edge-load.ts spawns it) so it never shares an event loop
 * with the Worker it measures: autocannon with C connections for D seconds, each request taking the next
 * body and token round-robin. Prints one JSON line: requests/s, latency percentiles, status counts.
 * With one connection it times each request itself (hrtime, one keep-alive socket): autocannon's
 * percentiles are whole milliseconds, too coarse for a sub-millisecond GET /healthz. Given the workerd PIDs, the
 * one-connection run also reads their CPU time before and after each request (the CPU one request cost).
 * With a token per connection (the fleet shape), C keep-alive sockets each send as one device, one request after
 * another with token i on socket i, timed like the one-connection run (autocannon cannot tie a token to a socket).
 * @module
 */
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import autocannon from "autocannon";
import { median, percentile } from "../lib/stats.js";
import { cpuNanoseconds } from "../runtime/process-cpu.js";

export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  connections: number;
  durationSeconds: number;
  /** A JSON file holding an array of request bodies, used in turn. */
  bodiesFile?: string;
  /** A JSON file holding an array of bearer tokens, used in turn. */
  tokensFile?: string;
  /** The bodies are base64 of gzip bytes, sent with Content-Encoding: gzip (as a device sends a large batch). */
  gzip?: boolean;
  /** One connection: read these workerd processes' CPU time around each request. */
  cpuPids?: string[];
  /** Many connections: each connection keeps one token of tokensFile (one device per connection). */
  tokenPerConnection?: boolean;
}

export interface LoadOutcome {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** With cpuPids: workerd CPU per request (all its threads), median and p99, in ms. */
  cpuP50Ms?: number;
  cpuP99Ms?: number;
}

function readJsonArray(file: string | undefined): string[] {
  return file ? (JSON.parse(readFileSync(file, "utf8")) as string[]) : [];
}

function sendOne(
  agent: Agent,
  spec: LoadSpec,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(spec.url, { method: spec.method, agent, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function sequential(spec: LoadSpec, bodies: Array<string | Buffer>, tokens: string[]): Promise<LoadOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  const cpuMs: number[] = [];
  const cpuPids = spec.cpuPids ?? [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + spec.durationSeconds * 1000;
  for (let index = 0; performance.now() < deadline; index++) {
    const headers: Record<string, string> = {};
    const body = bodies.length > 0 ? bodies[index % bodies.length] : undefined;
    if (body !== undefined) headers["content-type"] = "application/json";
    if (spec.gzip) headers["content-encoding"] = "gzip";
    if (tokens.length > 0) headers.authorization = `Bearer ${tokens[index % tokens.length]}`;
    const cpuBefore = cpuPids.length > 0 ? cpuNanoseconds(cpuPids) : 0;
    const sent = performance.now();
    try {
      const status = await sendOne(agent, spec, headers, body);
      if (status < 200 || status >= 300) non2xx++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - sent);
    if (cpuPids.length > 0) cpuMs.push((cpuNanoseconds(cpuPids) - cpuBefore) / 1e6);
  }
  agent.destroy();
  return {
    ...timedOutcome(latencies, started, non2xx, errors),
    ...(cpuMs.length > 0 ? { cpuP50Ms: median(cpuMs), cpuP99Ms: percentile(cpuMs, 99) } : {}),
  };
}

async function fleet(spec: LoadSpec, bodies: Array<string | Buffer>, tokens: string[]): Promise<LoadOutcome> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + spec.durationSeconds * 1000;
  const device = async (connection: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const headers: Record<string, string> = {};
    if (bodies.length > 0) headers["content-type"] = "application/json";
    if (tokens.length > 0) headers.authorization = `Bearer ${tokens[connection % tokens.length]}`;
    for (let index = connection; performance.now() < deadline; index += spec.connections) {
      const sent = performance.now();
      try {
        const status = await sendOne(
          agent,
          spec,
          headers,
          bodies.length > 0 ? bodies[index % bodies.length] : undefined,
        );
        if (status < 200 || status >= 300) non2xx++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - sent);
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: spec.connections }, (_, connection) => device(connection)));
  return timedOutcome(latencies, started, non2xx, errors);
}

/** The outcome of a run this client timed itself (hrtime per request). */
function timedOutcome(latencies: number[], started: number, non2xx: number, errors: number): LoadOutcome {
  const elapsed = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((total, value) => total + value, 0) / latencies.length,
    non2xx,
    errors,
    timeouts: 0,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
  const bodies: Array<string | Buffer> = readJsonArray(spec.bodiesFile).map((body) =>
    spec.gzip ? Buffer.from(body, "base64") : body,
  );
  const tokens = readJsonArray(spec.tokensFile);
  if (spec.connections === 1) {
    process.stdout.write(`${JSON.stringify(await sequential(spec, bodies, tokens))}\n`);
    return;
  }
  if (spec.tokenPerConnection) {
    process.stdout.write(`${JSON.stringify(await fleet(spec, bodies, tokens))}\n`);
    return;
  }
  let next = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    timeout: 30,
    requests: [
      {
        method: spec.method,
        setupRequest: (request) => {
          const index = next++;
          const headers = { ...request.headers } as Record<string, string>;
          if (bodies.length > 0) headers["content-type"] = "application/json";
          if (spec.gzip) headers["content-encoding"] = "gzip";
          if (tokens.length > 0) headers.authorization = `Bearer ${tokens[index % tokens.length]}`;
          return { ...request, headers, ...(bodies.length > 0 ? { body: bodies[index % bodies.length] } : {}) };
        },
      },
    ],
  });
  const outcome: LoadOutcome = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || spec.durationSeconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

await main();
