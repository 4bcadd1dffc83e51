/**
 * Turns every part's results into the one table the benchmark prints (and BENCHMARKS.md shows): a section
 * per part, then the cost lines with each service's share, then the targets with pass or fail.
 * @module
 */
import { FLEET_PROFILE } from "./cost/cost-model.js";
import { coreRows } from "./core/core-rows.js";
import { FLEET_BATCH, type EdgeResult } from "./edge/edge-load.js";
import { PRICES_AS_OF } from "../src/core/usage/list-prices.js";
import { renderTable, type Row } from "./lib/table.js";
import { shardCapacityPerSecond, shardScalingEfficiency, type AllResults, type TargetCheck } from "./targets.js";

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function buildRows(results: AllResults, targets: readonly TargetCheck[]): Row[] {
  const { nodeCore, workerdCore, edge, consumers, shardScaling, memory, batchMemory, compactionMemory, costs } =
    results;
  const rows: Row[] = [];
  const section = (title: string) => rows.push([`— ${title}`, "", ""]);

  section(`1. validation + enrichment, events/s (20-event batches; median of ${workerdCore.runs} runs)`);
  for (const core of [nodeCore, workerdCore]) rows.push(...coreRows(core));

  rows.push(...buildEdgeRows(edge));

  section(`3. consumer (${consumers[0]?.batches ?? 0} full batches of 100 messages per profile, sharded ledger)`);
  for (const consumer of consumers) {
    const label = `${consumer.profile.tenantsPerBatch} tenant(s)/batch`;
    rows.push([
      `${label}: queue batch → R2 + ledger`,
      `${int(consumer.eventsPerSecond)} ev/s`,
      `${int(consumer.eventsPerBatch)} events in ${fixed(consumer.batchMs, 0)} ms; CPU ${fixed(consumer.cpuMsPerBatch, 0)} ms; ${fixed(consumer.filesPerBatch, 1)} files of ${fixed(consumer.eventsPerFile, 0)} events`,
    ]);
    rows.push([
      `${label}: ledger rows written`,
      `${fixed(consumer.ledgerRowsWrittenPerEvent, 3)}/event`,
      `${fixed(consumer.ledgerRowsWrittenPerFile, 1)}/file; read ${fixed(consumer.ledgerRowsReadPerEvent, 3)}/event, ${fixed(consumer.ledgerRowsReadPerFile, 1)}/file; ${fixed(consumer.ledgerCallsPerBatch, 0)} calls/batch`,
    ]);
    rows.push([
      `${label}: ledger rows to age it out`,
      `${fixed(consumer.agingRowsWrittenPerEvent, 3)}/event`,
      `written by the shards' sweeps (runs, files, minute rollups leaving), read ${fixed(consumer.agingRowsReadPerEvent, 3)}/event; a daily sweep's own ${fixed(consumer.dailySweepRowsWrittenPerShard, 0)} row(s)/shard`,
    ]);
    const stored = (kind: keyof typeof consumer.storage) =>
      `${kind} ${fixed(consumer.storage[kind].bytes / Math.max(1, consumer.storage[kind].rows), 0)} B × ${int(consumer.storage[kind].rows)}`;
    rows.push([
      `${label}: shard rows held`,
      `${fixed(consumer.storage.runs.bytes / Math.max(1, consumer.storedEvents), 1)} B/event of runs`,
      `${stored("runs")}; ${stored("files")}; ${stored("minuteRollups")}; ${stored("dayRollups")} (${int(consumer.storedEvents)} events, ${consumer.shardCount} shards)`,
    ]);
    rows.push([
      `${label}: D1 rows, shard size`,
      `${fixed(consumer.d1RowsWrittenPerEvent, 3)} written/event`,
      `${fixed(consumer.d1RowsReadPerEvent, 3)} read/event; largest shard ${fixed(consumer.shardBytesPerEvent, 1)} B/event`,
    ]);
  }
  rows.push(...buildShardScalingRows(shardScaling));

  section("memory, workerd isolate heap (largest request: 2,000 events, 4 MiB decoded)");
  rows.push([
    "workerd isolate heap holding every stage",
    mib(memory.workerdHeldBytes),
    `baseline ${mib(memory.workerdBaselineBytes)}, +${mib(memory.workerdDeltaBytes)}; Node heap +${mib(memory.nodeDeltaBytes)}`,
  ]);
  rows.push([
    `full consumer batch: ${batchMemory.messages} messages, ${int(batchMemory.events)} events, one tenant`,
    `${mib(batchMemory.peakLiveBytes)} live at peak`,
    `baseline ${mib(batchMemory.baselineBytes)}; held after ${batchMemory.heldAfter.map((entry) => `${entry.step} ${mib(entry.liveBytes)}`).join(", ")}`,
  ]);
  rows.push([
    `Parquet compaction: ${int(compactionMemory.events)} events, ${compactionMemory.rowGroups} row groups`,
    `${mib(compactionMemory.peakLiveBytes)} live at peak`,
    `baseline ${mib(compactionMemory.baselineBytes)}; ${compactionMemory.samples} samples, between export files`,
  ]);

  for (const cost of costs) {
    section(
      `4. cost per million events, ${cost.tenantsPerBatch} tenant(s) per batch (list prices of ${PRICES_AS_OF}; ${FLEET_PROFILE.eventsPerRequest} ev/request, ~${FLEET_PROFILE.bytesPerEvent / 1000} KB/event, ${FLEET_PROFILE.dedupeWindowDays}-day dedupe)`,
    );
    for (const line of cost.lines) {
      const share = cost.totalUsd > 0 ? (line.usdPerMillionEvents / cost.totalUsd) * 100 : 0;
      const units =
        line.unitsPerMillionEvents < 10 ? fixed(line.unitsPerMillionEvents, 3) : int(line.unitsPerMillionEvents);
      rows.push([
        line.service,
        `$${fixed(line.usdPerMillionEvents, 4)}`,
        `${fixed(share, 1)}% (${units} ${line.unit})`,
      ]);
    }
    rows.push(["total", `$${fixed(cost.totalUsd, 3)}`, "100%"]);
  }

  section("5. targets");
  for (const check of targets) rows.push([check.target, check.measured, check.pass ? "PASS" : "FAIL"]);
  return rows;
}

/** Section 3b: the shard-scaling runs, the contrast (N shards on one queue) last. */
export function buildShardScalingRows(shardScaling: AllResults["shardScaling"]): Row[] {
  const rows: Row[] = [];
  const load = shardScaling[0];
  rows.push([
    `— 3b. ledger shard scaling: one tenant, the same ${int(load?.events ?? 0)} events (${int(load?.messages ?? 0)} 20-event requests), N shards on N queue partitions`,
    "",
    "",
  ]);
  for (const run of shardScaling) {
    const { shards, partitions } = run.profile;
    const batches = run.messagesPerBatch;
    rows.push([
      partitions === shards
        ? `${shards} shard(s), ${partitions} partition(s)`
        : `${shards} shards, one queue (contrast)`,
      `${fixed(run.shardCpuMsPer1000Events)} ms shard CPU / 1,000 ev`,
      `${fixed(shardScalingEfficiency(run, shardScaling) * 100, 0)}% of linear, ~${int(shardCapacityPerSecond(run))} ev/s with a thread per shard; ${run.batches} batches from ${run.queues} queue(s), ${batches.min === batches.max ? batches.min : `${batches.min}–${batches.max} (median ${batches.median})`} messages each; ${int(run.files)} files of ${int(run.eventsPerFile)} events; wall ${int((run.events / run.wallMs) * 1000)} ev/s here (one thread)`,
    ]);
  }
  return rows;
}

/** Section 2: every edge scenario (with emulators, with stand-ins, the fleet) and the CPU per request. */
export function buildEdgeRows(edge: EdgeResult): Row[] {
  const rows: Row[] = [];
  rows.push([
    `— 2. edge under load (autocannon, separate process; median of ${edge.settings.rounds} rounds x ${edge.settings.durationSeconds} s)`,
    "",
    "",
  ]);
  const scenarioLabels: Record<keyof typeof edge.scenarios, string> = {
    healthz1: "GET /healthz",
    events20x1: "POST /v1/events, 20 events",
    healthz: "GET /healthz",
    events20: "POST /v1/events, 20 events",
    echo20: "echo Worker (parse + re-serialise), 20 events",
    events2000: "POST /v1/events, 2,000 events (gzip)",
    echo2000: "echo Worker (parse + re-serialise), 2,000 events (gzip)",
    ownHealthz1: "stand-ins: GET /healthz",
    ownEvents20x1: "stand-ins: POST /v1/events, 20 events",
    ownEvents2000x1: "stand-ins: POST /v1/events, 2,000 events (gzip)",
    ownHealthz: "stand-ins: GET /healthz",
    ownEvents20: "stand-ins: POST /v1/events, 20 events",
    ownEvents2000: "stand-ins: POST /v1/events, 2,000 events (gzip)",
    fleetHealthz: "fleet, stand-ins: GET /healthz, a device per socket",
    fleetEvents: `fleet, stand-ins: POST /v1/events, ${FLEET_BATCH} events, a device per socket`,
  };
  for (const [name, figures] of Object.entries(edge.scenarios) as Array<
    [keyof typeof edge.scenarios, (typeof edge.scenarios)[keyof typeof edge.scenarios]]
  >) {
    const failed = figures.failed > 0 ? `; ${figures.failed} FAILED` : "";
    const cpu = figures.cpu ? `; CPU p50 ${fixed(figures.cpu.p50Ms)} ms, p99 ${fixed(figures.cpu.p99Ms)} ms` : "";
    rows.push([
      `C=${figures.connections} ${scenarioLabels[name]}`,
      `${int(figures.requestsPerSecond)} req/s${figures.eventsPerRequest ? `, ${int(figures.eventsPerSecond)} ev/s` : ""}`,
      `p50 ${fixed(figures.p50Ms, 1)} ms, p99 ${fixed(figures.p99Ms, 1)} ms${failed}${cpu}`,
    ]);
  }
  rows.push([
    "workerd CPU per request, emulators (upper bound: whole process)",
    `${fixed(edge.cpuMsPerSmallRequest)} ms (20 ev)`,
    `${fixed(edge.cpuMsPerLargeRequest)} ms (2,000 ev)`,
  ]);
  rows.push([
    "Worker's own CPU per request, stand-ins (less a GET /healthz's)",
    `p50 ${fixed(edge.ownCpuSmall.p50Ms)} ms, p99 ${fixed(edge.ownCpuSmall.p99Ms)} ms (20 ev)`,
    `p50 ${fixed(edge.ownCpuLarge.p50Ms)} ms, p99 ${fixed(edge.ownCpuLarge.p99Ms)} ms (2,000 ev)`,
  ]);
  return rows;
}

export function renderReport(results: AllResults, targets: readonly TargetCheck[]): string {
  return renderTable(["measure", "figure", "beside it"], buildRows(results, targets));
}
