/**
 * Talks to the collector's pull API: lists the export files (every page) and opens a file's download. Statuses
 * become errors a person can act on; passing failures become TransientError for the retry loop.
 * @module
 */
import type { ExportFormat } from "../../src/core/exports/export-key.js";
import { exportListingSchema, type ExportFileEntry } from "../../src/core/exports/export-listing.js";
import { TRANSIENT_STATUSES, TransientError } from "./retry.js";

const LIST_PAGE_SIZE = 1000;
const LIST_TIMEOUT_MS = 60_000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** A refusal no retry can fix: a bad token, a missing scope, a file that is gone. */
export class CollectorRefusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "CollectorRefusal";
    this.status = status;
  }
}

export interface CollectorClient {
  collector: URL;
  token: string;
}

export interface ListRange {
  since: string;
  until: string | undefined;
  format: ExportFormat;
}

/** One page of the listing; `cursor` is the one the previous page returned. */
export async function listPage(client: CollectorClient, range: ListRange, cursor: string | null) {
  const url = new URL("/v1/exports", client.collector);
  url.searchParams.set("from", range.since);
  if (range.until !== undefined) url.searchParams.set("to", range.until);
  if (range.format !== "jsonl") url.searchParams.set("format", range.format);
  url.searchParams.set("limit", String(LIST_PAGE_SIZE));
  if (cursor !== null) url.searchParams.set("cursor", cursor);
  const response = await request(client, url, LIST_TIMEOUT_MS);
  const parsed = exportListingSchema.safeParse(await response.json());
  if (!parsed.success)
    throw new Error(`the collector's listing is not what this command understands: ${parsed.error.message}`);
  return parsed.data;
}

/** Opens the download of a file; the caller reads the body. */
export async function openDownload(
  client: CollectorClient,
  file: ExportFileEntry,
): Promise<ReadableStream<Uint8Array>> {
  // The key's slashes stay slashes; each segment is encoded on its own.
  const path = file.key.split("/").map(encodeURIComponent).join("/");
  const response = await request(client, new URL(`/v1/exports/${path}`, client.collector), DOWNLOAD_TIMEOUT_MS);
  if (!response.body) throw new TransientError(`the download of ${file.key} had no body`);
  return response.body;
}

async function request(client: CollectorClient, url: URL, timeoutMs: number): Promise<Response> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${client.token}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.ok) return response;
  const detail = await errorMessage(response);
  const what = `${url.pathname} answered ${response.status}${detail ? `: ${detail}` : ""}`;
  if (TRANSIENT_STATUSES.has(response.status)) {
    throw new TransientError(what, { retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after")) });
  }
  throw new CollectorRefusal(response.status, what);
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    return typeof body.error?.message === "string" ? body.error.message : "";
  } catch {
    return "";
  }
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
