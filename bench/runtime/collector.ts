/**
 * Starts the real collector (src/index.ts, bundled like the bench Workers) in workerd through Miniflare, with
 * the bindings wrangler.toml declares (as wrangler itself translates them), in-memory storage, the D1
 * migrations applied and a benchmark tenant registered. Two shapes:
 *   "edge":     the events queue is drained by a bench-only sink Worker that acks everything, so the load
 *               test measures the edge (including its real sendBatch) and not the exports competing for CPU.
 *   "consumer": the real queue consumer of wrangler.toml, with a short batch timeout.
 *   "standins": bench/workers/standin-collector.ts, the same Worker with its queue, rate-limit and D1 bindings
 *               replaced by stand-ins that only serialise and answer at once: the Worker's own cost.
 * The events queue can be partitioned (`eventQueues`, EVENT_QUEUES in docs/scale.md): partition 0 is the queue
 * and binding of wrangler.toml, partition k ≥ 1 the queue `audiogum-events-k` on the binding `EVENTS_k`, each
 * consumed as the events queue is.
 * The Worker's console lines are handed to `onLogLine` (the consumer's `batch` and `purge` lines).
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { bundleWorker } from "./bundle.js";
import { eventQueueName } from "../../src/core/exports/queue-partitions.js";
import { eventQueueBinding } from "../../src/edge/ingest/event-queues.js";
import { MIGRATIONS_DIR, WRANGLER_CONFIG } from "../../scripts/lib/project-paths.js";

/** The HS256 secret of the benchmark's tokens; never a real one. */
export const BENCH_JWT_SECRET = "bench-signing-secret-not-for-production";
export const ERASURES_QUEUE = "audiogum-erasures";

export interface RunningCollector {
  url: URL;
  miniflare: Miniflare;
  dispose(): Promise<void>;
}

export interface CollectorOptions {
  shape: "edge" | "consumer" | "standins";
  /** The tenant the benchmark's tokens carry; registered in the tenants table. */
  tenant: string;
  onLogLine?: (line: string) => void;
  /** Vars to set over wrangler.toml's (e.g. LEDGER_SHARDS). */
  vars?: Record<string, string>;
  /** The consumer shape's max_batch_timeout (1 s by default); longer lets a slow sender still fill one batch. */
  batchTimeoutSeconds?: number;
  /** Opens workerd's V8 inspector on this loopback port (the memory benchmarks read the isolate's heap there). */
  inspectorPort?: number;
  /**
   * Events queue partitions (1 by default): N queues, their producer bindings and the var EVENT_QUEUES=N. Every
   * partition has the consumer (or, for the "edge" shape, the sink) the events queue has.
   */
  eventQueues?: number;
  /** Also run the erasures queue's consumer (the erasure benchmark), one slice a batch as wrangler.toml has it. */
  erasures?: boolean;
}

const SINK_WORKER = `export default { async queue(batch) { batch.ackAll(); } };`;

function collectorWorkerOptions(): WorkerOptions {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG);
  return workerOptions as WorkerOptions;
}

export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const script = await bundleWorker(
    options.shape === "standins" ? "bench/workers/standin-collector.ts" : "src/index.ts",
  );
  const fromConfig = collectorWorkerOptions();
  const partitions = Array.from({ length: options.eventQueues ?? 1 }, (_, partition) => partition);
  const bindings = {
    ...(fromConfig.bindings ?? {}),
    JWT_SECRET: BENCH_JWT_SECRET,
    JWT_SECRET_PREVIOUS: "",
    ADMIN_TOKEN: "",
    ...(options.eventQueues === undefined ? {} : { EVENT_QUEUES: String(options.eventQueues) }),
    ...options.vars,
  };
  const eventConsumers = (settings: { maxBatchSize: number; maxBatchTimeout: number; maxRetries?: number }) =>
    Object.fromEntries(partitions.map((partition) => [eventQueueName(partition), settings]));
  const collector: WorkerOptions = {
    ...fromConfig,
    name: "collector",
    modules: true,
    script,
    bindings,
    ratelimits: withoutRefusals(fromConfig.ratelimits),
    queueProducers: {
      ...(fromConfig.queueProducers as Record<string, { queueName: string }>),
      ...Object.fromEntries(
        partitions.map((partition) => [eventQueueBinding(partition), { queueName: eventQueueName(partition) }]),
      ),
    },
    queueConsumers: {
      ...(options.shape === "consumer" &&
        eventConsumers({ maxBatchSize: 100, maxBatchTimeout: options.batchTimeoutSeconds ?? 1, maxRetries: 0 })),
      ...(options.erasures && { [ERASURES_QUEUE]: { maxBatchSize: 1, maxBatchTimeout: 0.05, maxRetries: 20 } }),
    },
  };
  const workers: WorkerOptions[] = [collector];
  if (options.shape === "edge") {
    workers.push({
      name: "queue-sink",
      modules: true,
      script: SINK_WORKER,
      compatibilityDate: fromConfig.compatibilityDate,
      queueConsumers: eventConsumers({ maxBatchSize: 100, maxBatchTimeout: 0.1 }),
    });
  }
  const miniflare = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    // /cdn-cgi/handler/scheduled?time=… runs the cron (the consumer benchmark's purge).
    unsafeTriggerHandlers: true,
    workers,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      for (const stream of [stdout, stderr]) {
        createInterface({ input: stream }).on("line", (line) => options.onLogLine?.(line));
      }
    },
  });
  try {
    const url = await miniflare.ready;
    await applyMigrations(await miniflare.getD1Database("DB", "collector"));
    await registerTenant(await miniflare.getD1Database("DB", "collector"), options.tenant);
    return { url, miniflare, dispose: () => miniflare.dispose() };
  } catch (error) {
    await miniflare.dispose();
    throw error;
  }
}

/**
 * wrangler.toml's limiters with limits no load test reaches: each is still called as in production (the event
 * limiters up to 20 times for a request of 2,000 events), but a run of minutes from a handful of tokens is not
 * what the limits are for, and a 429 would leave a scenario measuring refusals.
 */
function withoutRefusals(limiters: WorkerOptions["ratelimits"]): WorkerOptions["ratelimits"] {
  if (!limiters) return limiters;
  const generous = { limit: 1e9, period: 60 } as const;
  return Object.fromEntries(Object.keys(limiters).map((name) => [name, { simple: generous }]));
}

/** Every migration in order, as `wrangler d1 migrations apply` would. */
async function applyMigrations(db: D1Database): Promise<void> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(readFileSync(path.join(MIGRATIONS_DIR, file), "utf8"));
    if (statements.length > 0) await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}

/**
 * The benchmark tenant: enabled, no geo add-on changes, and rate tiers that let a load test from a few
 * connections through (a real fleet spreads the same rate over many devices). The limiter bindings are
 * still called on every request, as in production.
 */
async function registerTenant(db: D1Database, tenant: string): Promise<void> {
  await db
    .prepare(
      "INSERT INTO tenants (tenant, device_rate_tier, tenant_rate_tier, updated_at) VALUES (?1, 'high', 'high', ?2)",
    )
    .bind(tenant, Date.now())
    .run();
}
