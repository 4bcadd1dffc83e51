/**
 * Starts a bench-only Worker in its own workerd (through Miniflare) on a free loopback port, with no
 * bindings but the in-memory R2 buckets asked for, and stops it again. Every workerd the benchmark starts goes through here or
 * collector.ts, and each is disposed of in a finally.
 * @module
 */
import { Miniflare } from "miniflare";
import { bundleWorker } from "./bundle.js";
import { COMPATIBILITY_DATE } from "./compatibility.js";

export interface RunningWorker {
  url: URL;
  miniflare: Miniflare;
  dispose(): Promise<void>;
}

export async function startBenchWorker(
  entry: string,
  options: { inspectorPort?: number; r2Buckets?: string[] } = {},
): Promise<RunningWorker> {
  const script = await bundleWorker(entry);
  const miniflare = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    host: "127.0.0.1",
    port: 0,
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    // In-memory R2 buckets (Miniflare's), for a bench Worker that stores and reads objects.
    ...(options.r2Buckets === undefined ? {} : { r2Buckets: options.r2Buckets }),
  });
  const url = await miniflare.ready;
  return { url, miniflare, dispose: () => miniflare.dispose() };
}
