/**
 * Part 2 of the benchmark alone (the edge under load with emulators and with stand-in bindings, the fleet
 * shape, CPU per request), for work on src/edge: `npx tsx bench/edge/run-edge.ts` (BENCH_QUICK=1: one round of
 * 3 s). BENCH_EDGE_ONLY=ownHealthz1,ownEvents20x1,ownEvents2000x1 runs only the named scenarios (here the
 * Worker's own CPU per request), to spare a shared machine; BENCH_EDGE_SECONDS=N makes each round N s. Prints its rows and the edge ratios of this run; writes
 * nothing.
 * @module
 */
import { renderTable } from "../lib/table.js";
import { buildEdgeRows } from "../report.js";
import { edgeSettings, runEdgeLoad, type ScenarioName } from "./edge-load.js";

const only = process.env.BENCH_EDGE_ONLY?.split(",").map((name) => name.trim() as ScenarioName);
const settings = edgeSettings(process.env.BENCH_QUICK === "1");
const seconds = Number(process.env.BENCH_EDGE_SECONDS ?? settings.durationSeconds);
const edge = await runEdgeLoad({ ...settings, durationSeconds: seconds, ...(only ? { only } : {}) });
const x = (ratio: number) => `${ratio.toFixed(2)}x`;
const rows = buildEdgeRows(edge);
rows.push(["— ratios of this run (p50 latency)", "stand-ins", "emulators"]);
rows.push([
  "20 events / healthz, C=1",
  x(edge.ownSmallOverHealthzOneConnection),
  x(edge.smallOverHealthzOneConnection),
]);
rows.push([
  `20 events / healthz, C=${edge.settings.smallConnections}`,
  x(edge.ownSmallOverHealthz),
  x(edge.smallOverHealthz),
]);
rows.push(["2,000 events / echo", x(edge.ownLargeOverEcho), x(edge.largeOverEcho)]);
rows.push([`fleet ${edge.settings.fleetConnections}: events / healthz`, x(edge.fleetOverHealthz), ""]);
process.stdout.write(`${renderTable(["measure", "figure", "beside it"], rows)}\n`);
