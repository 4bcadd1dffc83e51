/**
 * The collector's layering, as data that `npm test` (scripts/check-layers.ts) holds src/ to. Every folder of src/
 * is an area; src/index.ts is the entry and wires them all. The rules:
 * - core is pure: it imports only core and the packages below. No other area, no `cloudflare:*` module, and no
 *   binding types (the `Env` of worker-configuration.generated.d.ts and the types of its bindings, the execution
 *   context): the consumer and the edge hand core plain values.
 * - Every area may import any module of core.
 * - Otherwise an area imports another only through the entry points listed in CROSS_AREA_IMPORTS, each with
 *   its reason; any other module of an area is its own business. An entry point nobody imports any more fails
 *   too, so the list stays true.
 * - Nothing imports the entry, and no module imports itself through others (no import cycles, `import type`
 *   included: a type-only cycle still means two modules that cannot be read apart).
 * A new folder of src/ fails until it is added to AREAS, with the entry points others may use.
 * @module
 */

export interface CrossAreaImport {
  /** The importing area. */
  from: string;
  /** The module imported, from the project root. */
  to: string;
  why: string;
}

export interface LayerRules {
  /** The folder whose modules are checked, from the project root. */
  sourceRoot: string;
  /** The module that wires every area: it may import anything, nothing may import it. */
  entry: string;
  /** The folders of sourceRoot; the first is the pure core. */
  areas: readonly string[];
  /** The packages the core may import (bare specifiers; a subpath counts as its package). */
  corePackages: readonly string[];
  /** Type names that the core must not use: the bindings and the runtime's handler arguments. */
  bindingTypes: ReadonlySet<string>;
  crossAreaImports: readonly CrossAreaImport[];
}

export const AREAS = ["core", "edge", "consumer", "delivery", "ledger", "live", "dashboard", "compaction"] as const;

/**
 * zod: the schemas the types flow from. ua-parser-js (1.x, MIT): pure string parsing of a User-Agent, no I/O and
 * no bindings (src/core/events/user-agent.ts). hyparquet-writer and hyparquet: Parquet written and read back in
 * plain JavaScript (no binding, no I/O: bytes in, bytes out), so the export's encoding is core and runs in Node
 * too. Anything else the core needs goes through review here.
 */
export const CORE_PACKAGES = ["zod", "ua-parser-js", "hyparquet-writer", "hyparquet"] as const;

/**
 * Besides the types of the bindings (read from the Env interface), the arguments the runtime hands a handler
 * or a Durable Object: the core gets what it needs from them as plain values.
 */
export const RUNTIME_TYPES = [
  "Env",
  "Cloudflare",
  "ExecutionContext",
  "ScheduledController",
  "MessageBatch",
  "DurableObjectState",
] as const;

export const CROSS_AREA_IMPORTS: readonly CrossAreaImport[] = [
  {
    from: "consumer",
    to: "src/delivery/schedule-deliveries.ts",
    why: "the export consumer schedules the deliveries of a file as soon as it commits",
  },
  {
    from: "consumer",
    to: "src/delivery/deliver-files.ts",
    why: "the queue handler routes the delivery queue to its consumer",
  },
  {
    from: "consumer",
    to: "src/delivery/fail-deliveries.ts",
    why: "the queue handler routes the delivery dead-letter queue to its consumer",
  },
  {
    from: "edge",
    to: "src/delivery/delivery-ledger.ts",
    why: "the admin and day routes show delivery states; redeliver resets them",
  },
  {
    from: "consumer",
    to: "src/delivery/delivery-ledger.ts",
    why: "an erasure puts the deliveries of each file it rewrites or empties back to pending",
  },
  {
    from: "consumer",
    to: "src/delivery/delivery-message.ts",
    why: "an erasure enqueues the deliveries of each file it rewrites or empties",
  },
  {
    from: "edge",
    to: "src/consumer/erasure-store.ts",
    why: "the admin routes record, list and show erasures and lift suppressions; ingest reads the suppressions",
  },
  {
    from: "delivery",
    to: "src/consumer/tenant-usage-store.ts",
    why: "the delivery consumer adds each batch's delivered files to the tenants' days of usage, as the export consumer does",
  },
  {
    from: "edge",
    to: "src/consumer/tenant-usage-store.ts",
    why: "the admin usage routes read the tenants' days of usage the consumers count",
  },
  { from: "edge", to: "src/delivery/destination-store.ts", why: "the admin routes add, list and remove destinations" },
  { from: "edge", to: "src/delivery/probe-destination.ts", why: "the admin route behind `destination test`" },
  { from: "edge", to: "src/delivery/delivery-message.ts", why: "redeliver enqueues delivery messages" },
  {
    from: "edge",
    to: "src/consumer/redrive-dead-letters.ts",
    why: "POST /admin/redrive runs the consumer's redrive",
  },
  {
    from: "edge",
    to: "src/live/live-events-room.ts",
    why: "the live route hands the viewer's expiry to the room in the header the room reads",
  },
  { from: "edge", to: "src/dashboard/page.ts", why: "the dashboard route serves the page" },
  {
    from: "consumer",
    to: "src/compaction/rewrite-parquet-file.ts",
    why: "an erasure reads and rewrites a closed day's Parquet file without the user's rows",
  },
  {
    from: "edge",
    to: "src/compaction/compact-day.ts",
    why: "POST /admin/tenants/{t}/compact runs a closed day's compaction on demand",
  },
  {
    from: "compaction",
    to: "src/edge/exports/manifest-reads.ts",
    why: "compaction reads a closed day's export files from the manifest the pull API reads",
  },
  {
    from: "compaction",
    to: "src/edge/summaries/rollup-reads.ts",
    why: "the aggregates files are the daily and monthly summaries, read from the same rollups",
  },
  {
    from: "compaction",
    to: "src/edge/ledger-shards.ts",
    why: "the manifest and rollup reads take the shards' bindings",
  },
  {
    from: "compaction",
    to: "src/delivery/schedule-deliveries.ts",
    why: "Parquet and aggregates files go to the tenant's destinations as soon as they are recorded",
  },
  { from: "edge", to: "src/dashboard/assets.generated.ts", why: "the dashboard route serves the bundled assets" },
];

/** The collector's rules; the binding types come from the generated Env, so a new binding is covered at once. */
export function collectorRules(envBindingTypes: Iterable<string>): LayerRules {
  return {
    sourceRoot: "src",
    entry: "src/index.ts",
    areas: AREAS,
    corePackages: CORE_PACKAGES,
    bindingTypes: new Set([...RUNTIME_TYPES, ...envBindingTypes]),
    crossAreaImports: CROSS_AREA_IMPORTS,
  };
}
