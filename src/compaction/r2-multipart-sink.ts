/**
 * The Parquet writer's sink for R2: the bytes go up as a multipart upload in parts of PART_BYTES (R2 wants every
 * part but the last of one size), so a file of any size is written holding one part at a time. Nothing is at
 * the key until `complete`; `abort` leaves nothing behind.
 * @module
 */
import { concatBytes } from "../core/foundation/concat-bytes.js";
import type { ByteSink } from "../core/parquet/parquet-events-writer.js";

/** 8 MiB: over R2's 5 MiB minimum part, a few parts for a day's file. */
export const PART_BYTES = 8 * 1024 * 1024;

export class R2MultipartSink implements ByteSink {
  private readonly parts: R2UploadedPart[] = [];
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;

  private constructor(private readonly upload: R2MultipartUpload) {}

  static async open(
    bucket: R2Bucket,
    key: string,
    contentType: string,
    customMetadata?: Record<string, string>,
  ): Promise<R2MultipartSink> {
    return new R2MultipartSink(
      await bucket.createMultipartUpload(key, {
        httpMetadata: { contentType },
        ...(customMetadata && { customMetadata }),
      }),
    );
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.byteLength;
    while (this.bufferedBytes >= PART_BYTES) await this.uploadPart(PART_BYTES);
  }

  /** Uploads what is left and makes the object appear at its key. */
  async complete(): Promise<R2Object> {
    if (this.bufferedBytes > 0 || this.parts.length === 0) await this.uploadPart(this.bufferedBytes);
    return this.upload.complete(this.parts);
  }

  async abort(): Promise<void> {
    await this.upload.abort();
  }

  private async uploadPart(bytes: number): Promise<void> {
    const all = concatBytes(this.buffered, this.bufferedBytes);
    const part = all.slice(0, bytes);
    const remainder = all.slice(bytes);
    this.buffered = remainder.byteLength > 0 ? [remainder] : [];
    this.bufferedBytes = remainder.byteLength;
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
  }
}
