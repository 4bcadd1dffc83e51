/**
 * The answers of the pull API (GET /v1/exports and GET /v1/exports/days/{day}): the edge builds them and the
 * customer's command line (scripts/pull) parses them with the same schemas.
 * @module
 */
import { z } from "zod";

/** One committed export file, as listed. first/last are the receivedat of its first and last event. */
export const exportFileEntrySchema = z.object({
  key: z.string(),
  size: z.int().nonnegative(),
  events: z.int().nonnegative(),
  first: z.string(),
  last: z.string(),
  /** R2's etag of the object (no quotes); the download's ETag header is the same value quoted. */
  etag: z.string().nullable(),
});
export type ExportFileEntry = z.infer<typeof exportFileEntrySchema>;

export const exportListingSchema = z.object({
  files: z.array(exportFileEntrySchema),
  /** Pass it back as ?cursor= for the next page; null on the last page. */
  cursor: z.string().nullable(),
});
export type ExportListing = z.infer<typeof exportListingSchema>;

/** Where a file of the day stands at one of the tenant's push destinations (docs/delivery.md). */
export const fileDeliverySchema = z.object({
  key: z.string(),
  destination: z.string(),
  state: z.enum(["pending", "delivered", "failed"]),
  attempts: z.int().nonnegative(),
  /** The last failed attempt's error (pending or failed); null once delivered. */
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
});
export type FileDelivery = z.infer<typeof fileDeliverySchema>;

export const dayManifestSchema = z.object({
  day: z.string(),
  /** True once no file can be added to the day any more (24 hours after its end). */
  closed: z.boolean(),
  closes_at: z.string(),
  files: z.array(exportFileEntrySchema),
  events: z.int().nonnegative(),
  bytes: z.int().nonnegative(),
  /** Events of the day's files by type. */
  types: z.record(z.string(), z.int().nonnegative()),
  /** Events of the day's files that happened (eventtime) on an earlier UTC day: late or held back by devices. */
  events_from_earlier_days: z.int().nonnegative(),
  /** receivedat of the day's earliest and latest exported event; null when the day has no files. */
  first: z.string().nullable(),
  last: z.string().nullable(),
  /**
   * The day's Parquet files (tenants with Parquet on, once the day is closed and compacted): together they hold
   * every line of `files`, one row each.
   */
  parquet: z.array(exportFileEntrySchema),
  /** The day's aggregates file once the day is closed (and on a month's last day the month's). */
  aggregates: z.array(exportFileEntrySchema),
  /** One entry per file and destination; empty when the tenant pushes to no destination. */
  deliveries: z.array(fileDeliverySchema),
});
export type DayManifest = z.infer<typeof dayManifestSchema>;
