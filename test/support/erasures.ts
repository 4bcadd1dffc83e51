/**
 * Privacy erasures in the tests: a tenant's files with several users' events over several days, an erasure
 * requested through the admin route with a recording erasures queue, its slices run through the queue handler
 * until it sends no next slice, and a scan of every object under a prefix, line by line.
 * @module
 */
import { env } from "cloudflare:test";
import { parquetReadObjects } from "hyparquet";
import { expect } from "vitest";
import { rebuildEvent } from "../../src/core/parquet/event-row.js";
import type { QueuedEvent } from "../../src/core/exports/tenant-groups.js";
import { ADMIN } from "./destinations.js";
import { asQueuedMessages, deliver } from "./deliver.js";
import { queuedSeedEvents, storeExportFile, type StoredFile } from "./export-files.js";
import { gunzipText, listKeys } from "./export-objects.js";
import { type RecordingQueue, recordingQueue } from "./recording-queue.js";
import { noonDaysAgo } from "./time.js";
import { callWorker, collectorRequest } from "./worker.js";

export const ERASURE_QUEUE = "audiogum-erasures";

/** Seed events of `userid`, received at `at`. */
export function eventsOf(tenant: string, userid: string, at: Date, count = 4): QueuedEvent[] {
  return queuedSeedEvents(tenant, at, count).map((event) => ({ ...event, userid, deviceid: `device-${userid}` }));
}

/** Interleaves the events of several users, as a batch of many devices' requests is. */
function interleaved(...groups: QueuedEvent[][]): QueuedEvent[] {
  const longest = Math.max(...groups.map((group) => group.length));
  const events: QueuedEvent[] = [];
  for (let index = 0; index < longest; index++)
    for (const group of groups) if (group[index]) events.push(group[index]!);
  return events;
}

export interface UserFiles {
  /** Every file, by name in the scenario. */
  files: Record<string, StoredFile>;
}

/**
 * The erased user `target` among `others` over three days: files holding both, only others, only the target (it
 * ends empty), and two written before the userid filter existed (one with the target, one without).
 */
export async function filesOfUsers(tenant: string, target: string, others: [string, string]): Promise<UserFiles> {
  const [a, b] = others;
  const day = (n: number) => noonDaysAgo(n);
  const specs: Array<[string, Date, QueuedEvent[], boolean]> = [
    ["mixed", day(3), interleaved(eventsOf(tenant, target, day(3)), eventsOf(tenant, a, day(3))), false],
    ["othersOnly", day(3), eventsOf(tenant, a, day(3), 6), false],
    ["targetOnly", day(2), eventsOf(tenant, target, day(2), 3), false],
    ["mixedTwo", day(2), interleaved(eventsOf(tenant, b, day(2)), eventsOf(tenant, target, day(2), 2)), false],
    ["legacyWithTarget", day(1), interleaved(eventsOf(tenant, a, day(1)), eventsOf(tenant, target, day(1))), true],
    ["legacyWithout", day(1), eventsOf(tenant, b, day(1), 5), true],
  ];
  const files: Record<string, StoredFile> = {};
  for (const [name, writtenAt, events, withoutMetadata] of specs) {
    files[name] = await storeExportFile(tenant, { writtenAt, events, withoutMetadata });
  }
  return { files };
}

/** Every line of every object under `prefix` but Parquet files, by key, as stored (gunzipped when gzip). */
export async function linesByKey(prefix: string): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const key of await listKeys(prefix)) {
    if (key.endsWith(".parquet")) continue;
    const object = await env.EXPORTS.get(key);
    const bytes = await object!.arrayBuffer();
    const text = key.endsWith(".gz") ? await gunzipText(bytes) : new TextDecoder().decode(bytes);
    result.set(
      key,
      text.split("\n").filter((line) => line !== ""),
    );
  }
  return result;
}

/** The lines not of `userid`, by key; keys whose lines were all the user's are left out. */
export function linesNotOf(lines: Map<string, string[]>, userid: string): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  for (const [key, all] of lines) {
    const others = all.filter((line) => (JSON.parse(line) as { userid?: string }).userid !== userid);
    if (others.length > 0) kept.set(key, others);
  }
  return kept;
}

export function countLinesOf(lines: Map<string, string[]>, userid: string): number {
  let count = 0;
  for (const all of lines.values()) {
    count += all.filter((line) => (JSON.parse(line) as { userid?: string }).userid === userid).length;
  }
  return count;
}

export interface RequestedErasure {
  id: string;
  /** The erasures queue the Worker sends slices to (recorded, not consumed). */
  slices: RecordingQueue;
}

/** POST /admin/tenants/{tenant}/erasures with a recording erasures queue. */
export async function requestErasure(tenant: string, body: Record<string, unknown>): Promise<RequestedErasure> {
  const slices = recordingQueue({ forwardTo: null });
  const response = await callWorker(
    collectorRequest(`/admin/tenants/${tenant}/erasures`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ERASURES: slices.queue },
  );
  expect(response.status).toBe(202);
  const answer = (await response.json()) as { id: string; status: string };
  expect(answer.status).toBe("pending");
  return { id: answer.id, slices };
}

/**
 * Runs the erasure's slices through the queue handler until it sends no next one: each message sent is delivered
 * once; a retried one (a fault) is delivered again with `attempts + 1`. `bindingsFor(n)` swaps bindings for the
 * n-th delivery (1 is the first). Returns how many deliveries it took.
 */
export async function runErasure(
  erasure: RequestedErasure,
  bindingsFor: (delivery: number) => Partial<Env> = () => ({}),
): Promise<number> {
  let sent = 0;
  let pending = asQueuedMessages(erasure.slices.bodies());
  sent = pending.length;
  let delivery = 0;
  while (pending.length > 0) {
    delivery++;
    expect(delivery, "an erasure still running after 30 deliveries").toBeLessThanOrEqual(30);
    const outcome = await deliver(pending, { ERASURES: erasure.slices.queue, ...bindingsFor(delivery) }, ERASURE_QUEUE);
    const bodies = erasure.slices.bodies();
    pending = [
      ...outcome.retried.map((message) => ({ ...message, attempts: message.attempts + 1 })),
      ...asQueuedMessages(bodies.slice(sent)),
    ];
    sent = bodies.length;
  }
  return delivery;
}

export interface ErasureStatusBody {
  id: string;
  status: string;
  userid_sha256: string;
  requestedby: string;
  counts: Record<string, number>;
  finished_at: string | null;
  [field: string]: unknown;
}

export async function erasureStatus(tenant: string, id: string): Promise<ErasureStatusBody> {
  const response = await callWorker(collectorRequest(`/admin/tenants/${tenant}/erasures/${id}`, { headers: ADMIN }));
  expect(response.status).toBe(200);
  return (await response.json()) as ErasureStatusBody;
}

/** The events of a Parquet file's rows, in file order, rebuilt from its columns and `extra`. */
export async function parquetEvents(key: string): Promise<Record<string, unknown>[]> {
  const object = await env.EXPORTS.get(key);
  expect(object, key).not.toBeNull();
  const rows = (await parquetReadObjects({ file: await object!.arrayBuffer() })) as Record<string, unknown>[];
  return rows.map((row) => rebuildEvent(row, row.extra));
}
