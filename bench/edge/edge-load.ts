/**
 * Part 2: the real collector under load from a second process (load-client.ts, autocannon) on loopback, in
 * the same run as its own GET /healthz and the bench-only echo Worker given the same bodies. Scenarios are
 * interleaved round by round; each figure is the median over rounds and each ratio is taken within a round.
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
}

export type ScenarioName = "healthz1" | "events20x1" | "healthz" | "events20" | "echo20" | "events2000" | "echo2000";

export interface ScenarioFigures {
  connections: number;
  eventsPerRequest: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
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
  let echo: RunningWorker | undefined;
  try {
    const files = {
      small: path.join(work, "small.json"),
      large: path.join(work, "large.json"),
      tokens: path.join(work, "tokens.json"),
    };
    writeFileSync(files.small, JSON.stringify(requestBodies(200, SMALL_BATCH, 11)));
    // 2,000 events are over the 1 MiB wire limit as plain JSON: devices gzip large batches.
    const largeBodies = requestBodies(4, LARGE_BATCH, 12).map((body) => gzipSync(body).toString("base64"));
    writeFileSync(files.large, JSON.stringify(largeBodies));
    writeFileSync(files.tokens, JSON.stringify(await deviceTokens(LOAD_TENANT, DEVICES)));

    collector = await startCollector({ shape: "edge", tenant: LOAD_TENANT });
    const collectorPids = childWorkerdPids();
    echo = await startBenchWorker("bench/workers/echo.ts");
    const events = new URL("/v1/events", collector.url).href;
    const specs: Record<ScenarioName, LoadSpec & { events: number }> = {
      // One connection: latency is the cost of one request, not the queueing of many.
      healthz1: {
        url: new URL("/healthz", collector.url).href,
        method: "GET",
        connections: 1,
        durationSeconds: settings.durationSeconds,
        events: 0,
      },
      events20x1: {
        url: events,
        method: "POST",
        connections: 1,
        durationSeconds: settings.durationSeconds,
        bodiesFile: files.small,
        tokensFile: files.tokens,
        events: SMALL_BATCH,
      },
      healthz: {
        url: new URL("/healthz", collector.url).href,
        method: "GET",
        connections: settings.smallConnections,
        durationSeconds: settings.durationSeconds,
        events: 0,
      },
      events20: {
        url: events,
        method: "POST",
        connections: settings.smallConnections,
        durationSeconds: settings.durationSeconds,
        bodiesFile: files.small,
        tokensFile: files.tokens,
        events: SMALL_BATCH,
      },
      echo20: {
        url: echo.url.href,
        method: "POST",
        connections: settings.smallConnections,
        durationSeconds: settings.durationSeconds,
        bodiesFile: files.small,
        events: SMALL_BATCH,
      },
      events2000: {
        url: events,
        method: "POST",
        connections: settings.largeConnections,
        durationSeconds: settings.durationSeconds,
        bodiesFile: files.large,
        tokensFile: files.tokens,
        gzip: true,
        events: LARGE_BATCH,
      },
      echo2000: {
        url: echo.url.href,
        method: "POST",
        connections: settings.largeConnections,
        durationSeconds: settings.durationSeconds,
        bodiesFile: files.large,
        gzip: true,
        events: LARGE_BATCH,
      },
    };
    const names = Object.keys(specs) as ScenarioName[];
    const outcomes = Object.fromEntries(names.map((name) => [name, [] as LoadOutcome[]])) as Record<
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
        };
        return [name, figures];
      }),
    ) as Record<ScenarioName, ScenarioFigures>;
    const perRound = (numerator: ScenarioName, denominator: ScenarioName) =>
      median(outcomes[numerator].map((run, round) => run.p50Ms / Math.max(0.001, outcomes[denominator][round]!.p50Ms)));
    return {
      settings,
      scenarios,
      smallOverHealthz: perRound("events20", "healthz"),
      smallOverHealthzOneConnection: perRound("events20x1", "healthz1"),
      largeOverEcho: perRound("events2000", "echo2000"),
      cpuMsPerSmallRequest: median(cpuPerRequest.events20),
      cpuMsPerLargeRequest: median(cpuPerRequest.events2000),
    };
  } finally {
    await echo?.dispose();
    await collector?.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
