/**
 * Uploads to Amazon S3, S3-compatible stores and GCS's XML API with SigV4 (aws4fetch): one PUT for a small file,
 * CreateMultipartUpload / UploadPart / CompleteMultipartUpload for a large one (aborted if a part fails, so no
 * half upload lingers billed at the customer's).
 * @module
 */
import { AwsClient } from "aws4fetch";
import type { S3Settings } from "../core/delivery/destination.js";
import { destinationBaseUrl } from "../core/delivery/destination-endpoint.js";
import { encodeKeyPath } from "./object-key.js";
import { partRanges, type ObjectSource } from "./object-source.js";
import { networkFailure, storageFailureFrom } from "./storage-failure.js";
import { STORAGE_REQUEST_TIMEOUT_MS, type Uploader, type UploadLimits } from "./uploader.js";

export function s3Uploader(settings: S3Settings, secretAccessKey: string): Uploader {
  // No retries inside aws4fetch: the delivery queue retries with its own backoff, and `destination test`
  // must report the first answer, not wait through ten.
  const client = new AwsClient({
    accessKeyId: settings.accessKeyId,
    secretAccessKey,
    service: "s3",
    region: settings.region,
    retries: 0,
  });
  const url = (key: string, query = "") => `${objectUrl(settings, key)}${query}`;

  async function send(action: string, target: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await client.fetch(target, { ...init, signal: AbortSignal.timeout(STORAGE_REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw networkFailure(error, action);
    }
    if (!response.ok) throw await storageFailureFrom(response, action);
    return response;
  }

  async function putMultipart(key: string, source: ObjectSource, limits: UploadLimits): Promise<void> {
    const created = await send("CreateMultipartUpload", url(key, "?uploads"), {
      method: "POST",
      headers: { "content-type": source.contentType },
    });
    const uploadId = xmlText(await created.text(), "UploadId");
    if (!uploadId) throw new Error("CreateMultipartUpload answered without an UploadId");
    const uploadQuery = `uploadId=${encodeURIComponent(uploadId)}`;
    try {
      const etags: string[] = [];
      // One part at a time: a part is read from R2 only when the previous one is up, bounding memory.
      for (const [index, [offset, length]] of partRanges(source.size, limits.partBytes).entries()) {
        const part = await send(`UploadPart ${index + 1}`, url(key, `?partNumber=${index + 1}&${uploadQuery}`), {
          method: "PUT",
          body: await source.read(offset, length),
        });
        etags.push(part.headers.get("etag") ?? "");
      }
      const parts = etags.map(
        (etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`,
      );
      const completed = await send("CompleteMultipartUpload", url(key, `?${uploadQuery}`), {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body: `<CompleteMultipartUpload>${parts.join("")}</CompleteMultipartUpload>`,
      });
      // S3 may answer 200 and put the error in the body when completion fails late.
      const answer = await completed.text();
      if (answer.includes("<Error>"))
        throw await storageFailureFrom(new Response(answer, { status: 500 }), "CompleteMultipartUpload");
    } catch (error) {
      await client.fetch(url(key, `?${uploadQuery}`), { method: "DELETE" }).catch(() => undefined);
      throw error;
    }
  }

  return {
    prefix: settings.prefix.replace(/\/+$/, ""),
    async put(key, source, limits) {
      if (source.size > limits.singlePutMaxBytes) return putMultipart(key, source, limits);
      await send("PutObject", url(key), {
        method: "PUT",
        headers: { "content-type": source.contentType },
        body: await source.read(0, source.size),
      });
    },
    async delete(key) {
      await send("DeleteObject", url(key), { method: "DELETE" });
    },
  };
}

/** Virtual-hosted style on AWS itself; path style on any other endpoint (S3-compatible stores, GCS). */
export function objectUrl(settings: S3Settings, key: string): string {
  return destinationBaseUrl(settings) + encodeKeyPath(key);
}

function xmlText(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
