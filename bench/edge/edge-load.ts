/**
 * Part 2: the real collector under load from a second process (load-client.ts, autocannon) on loopback, in
 * the same run as its own GET /healthz and the bench-only echo Worker given the same bodies. Twice: with
 * Miniflare's emulated queue, rate limiters and D1 ("emulated"), and with stand-ins for them that only do what
 * the production client side does ("own": bench/workers/standin-collector.ts), so the Worker's own latency and
 * CPU show apart from the emulators'. CPU per request is read around each one-connection request from the
 * workerd's threads (/proc schedstat). The fleet shape: hundreds of sockets, each one device with its own
 * token, small batches, beside GET /healthz at the same concurrency. Scenarios are interleaved round by round;
 * each figure is the median over rounds and each ratio is taken within a round.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { median } from "../lib/stats.js";
import { startBenchWorker, type RunningWorker } from "../runtime/bench-worker.js";
import { startCollector, type RunningCollector } from "../runtime/collector.js";
import { PROJECT_ROOT } from "../../scripts/lib/project-paths.js";
import { childWorkerdPids, cpuSeconds } from "../runtime/process-cpu.js";
import { LARGE_BATCH, requestBodies, SMALL_BATCH } from "../workload.js";
import type { LoadOutcome, LoadSpec } from "./load-client.js";
import { deviceTokens } from "./tokens.js";

export const LOAD_TENANT = "bench";

export interface EdgeSettings {
  rounds: number;
  durationSeconds: number;
  smallConnections: number;
  largeConnections: number;
  /** Sockets of the fleet shape, each its own device. */
  fleetConnections: number;
  /** Only these scenarios (run-edge.ts's BENCH_EDGE_ONLY); every one when absent. Ratios of absent ones are NaN. */
  only?: readonly ScenarioName[];
}

export type ScenarioName =
  | "healthz1"
  | "events20x1"
  | "healthz"
  | "events20"
  | "echo20"
  | "events2000"
  | "echo2000"
  | "ownHealthz1"
  | "ownEvents20x1"
  | "ownEvents2000x1"
  | "ownHealthz"
  | "ownEvents20"
  | "ownEvents2000"
  | "fleetHealthz"
  | "fleetEvents";

/** The rounds and concurrency of `npm run bench` (BENCH_QUICK=1: one short round) and of run-edge.ts. */
export function edgeSettings(quick: boolean): EdgeSettings {
  return quick
    ? { rounds: 1, durationSeconds: 3, smallConnections: 10, largeConnections: 4, fleetConnections: 300 }
    : { rounds: 3, durationSeconds: 5, smallConnections: 10, largeConnections: 4, fleetConnections: 300 };
}

/** Events per request of the fleet shape: a device flushing often. */
export const FLEET_BATCH = 5;

/** Worker CPU per request in ms, median and p99 over the rounds' one-connection requests (medians of each). */
export interface CpuPerRequest {
  p50Ms: number;
  p99Ms: number;
}

export interface ScenarioFigures {
  connections: number;
  eventsPerRequest: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  /** One-connection scenarios: workerd CPU per request. */
  cpu?: CpuPerRequest;
}

export interface EdgeResult {
  settings: EdgeSettings;
  scenarios: Record<ScenarioName, ScenarioFigures>;
  /** events20 p50 / healthz p50 at C connections, per round, median. */
  smallOverHealthz: number;
  /** The same with one connection: the per-request cost ratio without queueing. */
  smallOverHealthzOneConnection: number;
  /** events2000 p50 / echo2000 p50, per round, median. */
  largeOverEcho: number;
  /** workerd CPU ms per 20-event request (all processes of the collector's workerd: an upper bound). */
  cpuMsPerSmallRequest: number;
  cpuMsPerLargeRequest: number;
  /** The same three ratios with stand-in bindings: the Worker's own. */
  ownSmallOverHealthz: number;
  ownSmallOverHealthzOneConnection: number;
  ownLargeOverEcho: number;
  /** fleetEvents p50 / fleetHealthz p50, per round, median. */
  fleetOverHealthz: number;
  /** With stand-ins, CPU of one request minus that of a GET /healthz (the runtime's HTTP handling): the Worker's own. */
  ownCpuSmall: CpuPerRequest;
  ownCpuLarge: CpuPerRequest;
}

const DEVICES = 1000;

function runLoadClient(spec: LoadSpec): Promise<LoadOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join("bench", "edge", "load-client.ts"), JSON.stringify(spec)],
      {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the load client exited with ${code}`));
      resolve(JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as LoadOutcome);
    });
  });
}

export async function runEdgeLoad(settings: EdgeSettings): Promise<EdgeResult> {
  const work = mkdtempSync(path.join(tmpdir(), "audiogum-bench-"));
  let collector: RunningCollector | undefined;
  let standIns: RunningCollector | undefined;
  let echo: RunningWorker | undefined;
  try {
    const files = {
      small: path.join(work, "small.json"),
      large: path.join(work, "large.json"),
      tokens: path.join(work, "tokens.json"),
      fleet: path.join(work, "fleet.json"),
    };
    writeFileSync(files.small, JSON.stringify(requestBodies(200, SMALL_BATCH, 11)));
    writeFileSync(files.fleet, JSON.stringify(requestBodies(settings.fleetConnections * 2, FLEET_BATCH, 13)));
    // 2,000 events are over the 1 MiB wire limit as plain JSON: devices gzip large batches.
    const largeBodies = requestBodies(4, LARGE_BATCH, 12).map((body) => gzipSync(body).toString("base64"));
    writeFileSync(files.large, JSON.stringify(largeBodies));
    writeFileSync(files.tokens, JSON.stringify(await deviceTokens(LOAD_TENANT, DEVICES)));

    collector = await startCollector({ shape: "edge", tenant: LOAD_TENANT });
    const collectorPids = childWorkerdPids();
    standIns = await startCollector({ shape: "standins", tenant: LOAD_TENANT });
    const standInPids = childWorkerdPids().filter((pid) => !collectorPids.includes(pid));
    echo = await startBenchWorker("bench/workers/echo.ts");
    const events = new URL("/v1/events", collector.url).href;
    const ownEvents = new URL("/v1/events", standIns.url).href;
    const ownHealthz = new URL("/healthz", standIns.url).href;
    type Spec = LoadSpec & { events: number };
    const { durationSeconds, smallConnections, largeConnections, fleetConnections } = settings;
    const get = (url: string, connections: number, extra: Partial<Spec> = {}): Spec => ({
      url,
      method: "GET",
      connections,
      durationSeconds,
      events: 0,
      ...extra,
    });
    const post = (url: string, connections: number, size: "small" | "large", extra: Partial<Spec> = {}): Spec => ({
      url,
      method: "POST",
      connections,
      durationSeconds,
      bodiesFile: files[size],
      ...(size === "large" ? { gzip: true, events: LARGE_BATCH } : { events: SMALL_BATCH }),
      ...extra,
    });
    const device = { tokensFile: files.tokens };
    const healthz = new URL("/healthz", collector.url).href;
    const specs: Record<ScenarioName, Spec> = {
      // One connection: latency is the cost of one request, not the queueing of many.
      healthz1: get(healthz, 1),
      events20x1: post(events, 1, "small", { ...device, cpuPids: collectorPids }),
      healthz: get(healthz, smallConnections),
      events20: post(events, smallConnections, "small", device),
      echo20: post(echo.url.href, smallConnections, "small"),
      events2000: post(events, largeConnections, "large", device),
      echo2000: post(echo.url.href, largeConnections, "large"),
      ownHealthz1: get(ownHealthz, 1, { cpuPids: standInPids }),
      ownEvents20x1: post(ownEvents, 1, "small", { ...device, cpuPids: standInPids }),
      ownEvents2000x1: post(ownEvents, 1, "large", { ...device, cpuPids: standInPids }),
      ownHealthz: get(ownHealthz, smallConnections),
      ownEvents20: post(ownEvents, smallConnections, "small", device),
      ownEvents2000: post(ownEvents, largeConnections, "large", device),
      // The fleet: every socket is one device with its own token, sending small batches one after another.
      fleetHealthz: get(ownHealthz, fleetConnections, { tokenPerConnection: true }),
      fleetEvents: post(ownEvents, fleetConnections, "small", {
        ...device,
        bodiesFile: files.fleet,
        events: FLEET_BATCH,
        tokenPerConnection: true,
      }),
    };
    const names = (Object.keys(specs) as ScenarioName[]).filter((name) => settings.only?.includes(name) ?? true);
    const outcomes = Object.fromEntries(Object.keys(specs).map((name) => [name, [] as LoadOutcome[]])) as Record<
      ScenarioName,
      LoadOutcome[]
    >;
    const cpuPerRequest: Record<"events20" | "events2000", number[]> = { events20: [], events2000: [] };

    // A short warm-up of every scenario, so JIT and caches are warm before anything counts.
    for (const name of names) await runLoadClient({ ...specs[name], durationSeconds: 1 });
    for (let round = 0; round < settings.rounds; round++) {
      for (const name of names) {
        const before = cpuSeconds(collectorPids);
        const outcome = await runLoadClient(specs[name]);
        const after = cpuSeconds(collectorPids);
        outcomes[name].push(outcome);
        if (name === "events20" || name === "events2000")
          cpuPerRequest[name].push(((after - before) * 1000) / outcome.requests);
      }
    }

    const scenarios = Object.fromEntries(
      names.map((name) => {
        const runs = outcomes[name];
        const requestsPerSecond = median(runs.map((run) => run.requestsPerSecond));
        const figures: ScenarioFigures = {
          connections: specs[name].connections,
          eventsPerRequest: specs[name].events,
          requestsPerSecond,
          eventsPerSecond: requestsPerSecond * specs[name].events,
          p50Ms: median(runs.map((run) => run.p50Ms)),
          p99Ms: median(runs.map((run) => run.p99Ms)),
          failed: runs.reduce((total, run) => total + run.non2xx + run.errors + run.timeouts, 0),
          ...(runs[0]?.cpuP50Ms === undefined ? {} : { cpu: medianCpu(runs) }),
        };
        return [name, figures];
      }),
    ) as Record<ScenarioName, ScenarioFigures>;
    const perRound = (numerator: ScenarioName, denominator: ScenarioName) =>
      median(
        outcomes[numerator].map(
          (run, round) => run.p50Ms / Math.max(0.001, outcomes[denominator][round]?.p50Ms ?? NaN),
        ),
      );
    return {
      settings,
      scenarios,
      smallOverHealthz: perRound("events20", "healthz"),
      smallOverHealthzOneConnection: perRound("events20x1", "healthz1"),
      largeOverEcho: perRound("events2000", "echo2000"),
      cpuMsPerSmallRequest: median(cpuPerRequest.events20),
      cpuMsPerLargeRequest: median(cpuPerRequest.events2000),
      ownSmallOverHealthz: perRound("ownEvents20", "ownHealthz"),
      ownSmallOverHealthzOneConnection: perRound("ownEvents20x1", "ownHealthz1"),
      ownLargeOverEcho: perRound("ownEvents2000", "echo2000"),
      fleetOverHealthz: perRound("fleetEvents", "fleetHealthz"),
      ownCpuSmall: cpuOverHealthz(scenarios.ownEvents20x1, scenarios.ownHealthz1),
      ownCpuLarge: cpuOverHealthz(scenarios.ownEvents2000x1, scenarios.ownHealthz1),
    };
  } finally {
    await echo?.dispose();
    await standIns?.dispose();
    await collector?.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

function medianCpu(runs: readonly LoadOutcome[]): CpuPerRequest {
  return {
    p50Ms: median(runs.map((run) => run.cpuP50Ms ?? Number.NaN)),
    p99Ms: median(runs.map((run) => run.cpuP99Ms ?? Number.NaN)),
  };
}

/** A request's CPU less a GET /healthz's median: what the Worker's own code cost beyond the runtime's HTTP work. */
function cpuOverHealthz(request: ScenarioFigures | undefined, healthz: ScenarioFigures | undefined): CpuPerRequest {
  const base = healthz?.cpu?.p50Ms ?? 0;
  return { p50Ms: (request?.cpu?.p50Ms ?? Number.NaN) - base, p99Ms: (request?.cpu?.p99Ms ?? Number.NaN) - base };
}
