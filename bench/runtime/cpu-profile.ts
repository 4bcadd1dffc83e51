/**
 * CPU time of named functions in a workerd isolate, from V8's sampling profiler (the inspector's `Profiler`
 * domain, through bench/runtime/inspector.ts). The consumer bench uses it to tell the ledger shards' own work
 * (their `claim` and `commit` calls) from the consumer's, which share one isolate under Miniflare.
 * @module
 */
import type { InspectorSession } from "./inspector.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds between samples. */
export const SAMPLING_INTERVAL_MICROS = 100;
/**
 * The most one sample counts for: a longer gap means the process was not running (descheduled on a loaded
 * machine), and counting all of it once put 7.5 ms into a 4-batch run's shard CPU.
 */
const MAX_SAMPLE_MICROS = 5 * SAMPLING_INTERVAL_MICROS;

/** Samples every SAMPLING_INTERVAL_MICROS from now until `stopProfiling`. */
export async function startProfiling(session: InspectorSession): Promise<void> {
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_MICROS });
  await session.send("Profiler.start");
}

export async function stopProfiling(session: InspectorSession): Promise<CpuProfile> {
  const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
  return profile;
}

/**
 * Milliseconds sampled inside any function named in `names` (with everything it called), counting a frame
 * nested in another named one once.
 */
export function inclusiveMs(profile: CpuProfile, names: ReadonlySet<string>): number {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    // A sample's delta is the time since the one before: it counts for this sample's frame.
    const micros = Math.min(profile.timeDeltas[index] ?? 0, MAX_SAMPLE_MICROS);
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + micros);
  });
  const subtreeMicros = (node: ProfileNode): number =>
    (selfMicros.get(node.id) ?? 0) +
    (node.children ?? []).reduce((total, child) => total + subtreeMicros(byId.get(child)!), 0);
  let micros = 0;
  const walk = (node: ProfileNode): void => {
    if (names.has(node.callFrame.functionName)) {
      micros += subtreeMicros(node);
      return;
    }
    for (const child of node.children ?? []) walk(byId.get(child)!);
  };
  const root = profile.nodes[0];
  if (root) walk(root);
  return micros / 1000;
}
