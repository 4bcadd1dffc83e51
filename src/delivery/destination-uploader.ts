/**
 * The uploader of a destination, chosen by its kind: S3 (any S3-compatible store, GCS's XML API) or Azure Blob.
 * @module
 */
import type { ResolvedDestination } from "../core/delivery/destination.js";
import { azureUploader } from "./azure-uploader.js";
import { s3Uploader } from "./s3-uploader.js";
import type { Uploader } from "./uploader.js";

export function uploaderFor(destination: ResolvedDestination): Uploader {
  if (destination.settings.kind === "s3") return s3Uploader(destination.settings, destination.secret);
  return azureUploader(destination.settings, destination.secret);
}
