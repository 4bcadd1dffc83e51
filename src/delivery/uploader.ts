/**
 * The one interface both storages (s3-uploader.ts, azure-uploader.ts) implement for delivery and for
 * `destination test`. It imports neither storage, so each can import it; destination-uploader.ts picks one.
 * @module
 */
import type { ObjectSource } from "./object-source.js";

/**
 * One storage request's time limit: a destination that accepts the connection and never answers must not hold
 * the consumer until the queue's own 15-minute limit; it fails as unavailable and is retried.
 */
export const STORAGE_REQUEST_TIMEOUT_MS = 2 * 60 * 1000;

export interface UploadLimits {
  /** Up to this size one PUT; above it multipart (S3) or blocks (Azure) of partBytes. */
  singlePutMaxBytes: number;
  partBytes: number;
}

export interface Uploader {
  /** Writes the whole source at `key` as application/gzip, or throws a StorageFailure. */
  put(key: string, source: ObjectSource, limits: UploadLimits): Promise<void>;
  /** Deletes `key`; a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** The destination's key prefix (no trailing slash), where deliveries and probes write. */
  prefix: string;
}
