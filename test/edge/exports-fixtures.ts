/**
 * Export files for the pull API's tests, stored the way the consumer stores them (an R2 object and its manifest
 * row) but on days and in states a test chooses, plus the requests a customer's exports reader makes.
 * @module
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { seedEvents } from "../../fixtures/seed-events.js";
import { countEventTypes } from "../../src/core/exports/event-type-counts.js";
import { buildExportFile } from "../../src/core/exports/export-file.js";
import { exportKey, utcDay } from "../../src/core/exports/export-key.js";
import type { QueuedEvent } from "../../src/core/exports/tenant-groups.js";
import worker from "../../src/index.js";
import { signToken } from "../support/tokens.js";

/** Tests share storage: each uses tenants of its own. */
export function uniqueTenant(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface StoredFile {
  key: string;
  etag: string;
  size: number;
  events: QueuedEvent[];
}

export interface StoreOptions {
  /** When the file is written: its day folder and the T{HH}{MM} of its name. */
  writtenAt: Date;
  /** The events of the file; by default the document's examples, received at writtenAt. */
  events?: QueuedEvent[];
  state?: "committed" | "pending" | "abandoned";
}

/** Seed events as the consumer receives them: with an eventid and a receivedat. */
export function queuedSeedEvents(tenant: string, receivedAt: Date, count = seedEvents().length): QueuedEvent[] {
  return seedEvents()
    .slice(0, count)
    .map((event) => ({
      eventid: crypto.randomUUID(),
      receivedat: receivedAt.toISOString(),
      tenant,
      ...event,
      type: String(event.type),
    }));
}

export async function storeExportFile(tenant: string, options: StoreOptions): Promise<StoredFile> {
  const events = options.events ?? queuedSeedEvents(tenant, options.writtenAt);
  const file = await buildExportFile(events);
  const key = exportKey({
    tenant,
    writtenAt: options.writtenAt,
    firstReceivedAt: file.firstReceivedAt,
    fileId: crypto.randomUUID(),
  });
  const object = await env.EXPORTS.put(key, file.body, { httpMetadata: { contentType: "application/gzip" } });
  await env.DB.prepare(
    `INSERT INTO export_files (key, tenant, day, state, events, bytes, first_receivedat, last_receivedat, created_at,
       committed_at, etag, type_counts)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)`,
  )
    .bind(
      key,
      tenant,
      utcDay(options.writtenAt),
      options.state ?? "committed",
      file.events,
      file.body.byteLength,
      file.firstReceivedAt,
      file.lastReceivedAt,
      options.writtenAt.getTime(),
      object!.etag,
      JSON.stringify(countEventTypes(events)),
    )
    .run();
  return { key, etag: object!.etag, size: file.body.byteLength, events };
}

export function readerToken(tenant: string, scope = "exports:read"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ tenant, sub: `reader-of-${tenant}`, scope, iat: now, exp: now + 600 });
}

/** GETs a path of the collector (as given: already encoded) with the tenant's exports token. */
export async function getAs(
  tenant: string,
  path: string,
  headers: Record<string, string> = {},
  token?: string,
): Promise<Response> {
  const authorization = `Bearer ${token ?? (await readerToken(tenant))}`;
  const request = new Request(`https://collector.test${path}`, { headers: { authorization, ...headers } });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function gunzipText(bytes: ArrayBuffer): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Noon UTC `days` days before today: a day folder that is closed when days >= 2, open when days <= 1. */
export function noonDaysAgo(days: number): Date {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days, 12));
}
