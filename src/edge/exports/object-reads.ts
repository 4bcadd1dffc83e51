/**
 * The R2 reads of the pull API: an export object, whole or one byte range, and its etag when the manifest row
 * predates the etag column. Objects are written once and never changed, so no read needs a precondition.
 * @module
 */
import type { ByteRange } from "./download-headers.js";

export function readExportObject(
  bucket: R2Bucket,
  key: string,
  range: ByteRange | undefined,
): Promise<R2ObjectBody | null> {
  return bucket.get(key, range ? { range } : {});
}

export async function exportObjectEtag(bucket: R2Bucket, key: string): Promise<string | undefined> {
  return (await bucket.head(key))?.etag;
}
