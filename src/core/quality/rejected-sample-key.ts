/**
 * Where the samples of rejected events live in R2, per tenant:
 * `{tenant}/_rejected/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{yyyy}-{mm}-{dd}T{HH}_{path}_{slot}.jsonl.gz`, one
 * sample (one JSON line) per object. `{path}` is a hash of the sample's counted path (8 hex digits) and `{slot}`
 * one of `perPathHour` slots chosen by a hash of the sample, so a tenant holds at most `perPathHour` samples
 * per path and UTC hour whatever its fleet sends: a new sample of a full hour replaces one of its slot. The
 * folder `_rejected` cannot be a year of the export files (all digits), nor `parquet` or `aggregates`.
 * @module
 */
import type { RejectedSample } from "../events/request-report.js";
import { fnv1a32 } from "../foundation/fnv1a32.js";

export const REJECTED_FOLDER = "_rejected";

/** `{tenant}/_rejected/`: every sample of the tenant, oldest day first in key order. */
export function rejectedPrefix(tenant: string): string {
  return `${tenant}/${REJECTED_FOLDER}/`;
}

/** `{tenant}/_rejected/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/` */
export function rejectedDayPrefix(tenant: string, day: string): string {
  return `${rejectedPrefix(tenant)}${day.slice(0, 4)}/${day.slice(0, 7)}/${day}/`;
}

export function rejectedSampleKey(tenant: string, sample: RejectedSample, perPathHour: number): string {
  const hour = sample.receivedat.slice(0, 13);
  const slot = fnv1a32(JSON.stringify(sample)) % perPathHour;
  return `${rejectedDayPrefix(tenant, hour.slice(0, 10))}${hour}_${hex8(fnv1a32(sample.path))}_${slot}.jsonl.gz`;
}

const KEY_AFTER_PREFIX = /^(\d{4})\/\1-(\d{2})\/(\1-\2-\d{2})\/\3T\d{2}_[0-9a-f]{8}_\d{1,4}\.jsonl\.gz$/;

/** The day (yyyy-mm-dd) of one of the tenant's sample keys; undefined for any other key (another tenant's too). */
export function dayOfRejectedKey(tenant: string, key: string): string | undefined {
  const prefix = rejectedPrefix(tenant);
  if (!key.startsWith(prefix)) return undefined;
  return KEY_AFTER_PREFIX.exec(key.slice(prefix.length))?.[3];
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, "0");
}
