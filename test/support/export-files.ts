/**
 * Export files for the pull API's tests, stored the way the consumer stores them (an R2 object and its manifest
 * row) but on days and in states a test chooses, plus the requests a customer's exports reader makes.
 * @module
 */
import { env } from "cloudflare:test";
import { seedEvents } from "../../fixtures/seed-events.js";
import { countEventTypes } from "../../src/core/exports/event-type-counts.js";
import { buildExportFile, exportFileMetadata } from "../../src/core/exports/export-file.js";
import { exportKey, utcDay } from "../../src/core/exports/export-key.js";
import type { ExportFileEntry } from "../../src/core/exports/export-listing.js";
import type { QueuedEvent } from "../../src/core/exports/tenant-groups.js";
import { bearer, readerToken } from "./tokens.js";
import { callWorker, collectorRequest } from "./worker.js";

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
  /** Written as before the export recorded custom metadata (no userid filter): an erasure must read it. */
  withoutMetadata?: boolean;
  /** No manifest row: the object alone, as a file is once its row aged out past MANIFEST_RETENTION_DAYS. */
  manifestAgedOut?: boolean;
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
  const object = await env.EXPORTS.put(key, file.body, {
    httpMetadata: { contentType: "application/gzip" },
    ...(options.withoutMetadata
      ? {}
      : { customMetadata: exportFileMetadata(file, { typeCounts: countEventTypes(events), earlierDayEvents: 0 }) }),
  });
  if (options.manifestAgedOut) return { key, etag: object!.etag, size: file.body.byteLength, events };
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

/** How the pull API lists a stored file. */
export function entryOf(file: StoredFile): ExportFileEntry {
  return {
    key: file.key,
    size: file.size,
    events: file.events.length,
    first: file.events[0]!.receivedat,
    last: file.events.at(-1)!.receivedat,
    etag: file.etag,
  };
}

/** GETs a path of the collector (as given: already encoded) with the tenant's exports:read token, or `token`. */
export async function getAs(
  tenant: string,
  path: string,
  headers: Record<string, string> = {},
  token?: string,
): Promise<Response> {
  const authorization = bearer(token ?? (await readerToken(tenant, "exports:read")));
  return callWorker(collectorRequest(path, { headers: { ...authorization, ...headers } }));
}
