/**
 * Writes the rejected-event samples of a batch's request reports to R2 (src/core/quality/rejected-sample-key.ts:
 * at most REJECTED_SAMPLES_PER_PATH_HOUR per tenant, path and hour by construction of the keys), at most
 * MAX_SAMPLE_WRITES_PER_BATCH objects a batch. Samples are an aid, not a record: a failed write is logged and
 * never retries the batch, and a redelivered message writes the same keys again. Returns how many were written
 * (the `batch` line's samples_written).
 * @module
 */
import type { RequestReport } from "../core/events/request-report.js";
import { gzip } from "../core/exports/gzip.js";
import { describeCause, logWarn } from "../core/foundation/log.js";
import { rejectedSampleKey } from "../core/quality/rejected-sample-key.js";

export const MAX_SAMPLE_WRITES_PER_BATCH = 50;
const encoder = new TextEncoder();

export async function writeRejectedSamples(
  bucket: R2Bucket,
  reports: ReadonlyArray<{ tenant: string; report?: RequestReport | undefined }>,
  perPathHour: number,
): Promise<number> {
  if (perPathHour === 0) return 0;
  const writes = new Map<string, { line: string; path: string; codes: string }>();
  for (const { tenant, report } of reports) {
    for (const sample of report?.samples ?? []) {
      if (writes.size >= MAX_SAMPLE_WRITES_PER_BATCH) break;
      const codes = [...new Set(sample.errors.map((error) => error.code))].join(" ");
      writes.set(rejectedSampleKey(tenant, sample, perPathHour), {
        line: `${JSON.stringify(sample)}\n`,
        path: sample.path,
        codes,
      });
    }
  }
  if (writes.size === 0) return 0;
  let failed = 0;
  await Promise.all(
    [...writes].map(async ([key, { line, path, codes }]) => {
      try {
        await bucket.put(key, await gzip(encoder.encode(line)), {
          httpMetadata: { contentType: "application/gzip" },
          // Metadata travels as HTTP headers through R2's S3 API: the device's path is kept URI-encoded.
          customMetadata: { path: encodeURIComponent(path), codes: encodeURIComponent(codes) },
        });
      } catch (error) {
        failed++;
        if (failed === 1) logWarn("rejected_samples_error", { key, ...describeCause(error) });
      }
    }),
  );
  return writes.size - failed;
}
