/**
 * The one interface both storages implement for delivery and for `destination test`, and the choice between
 * them by a destination's kind.
 * @module
 */
import type { ResolvedDestination } from "../core/delivery/destination.js";
import { azureUploader } from "./azure-uploader.js";
import type { ObjectSource } from "./object-source.js";
import { s3Uploader } from "./s3-uploader.js";

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

export function uploaderFor(destination: ResolvedDestination): Uploader {
  if (destination.settings.kind === "s3") return s3Uploader(destination.settings, destination.secret);
  return azureUploader(destination.settings, destination.secret);
}
