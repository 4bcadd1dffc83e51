/**
 * The cron's deletion of rejected-event samples (docs/quality.md) older than REJECTED_SAMPLE_RETENTION_DAYS: for
 * every tenant prefix of the bucket (listed with a delimiter, so tenants that are not registered are found too),
 * the samples are listed oldest first and deleted up to the first day still kept. Bounded per run
 * (MAX_DELETES_PER_TENANT a tenant); what is left is deleted by the next hourly run. Logs one `purge_samples` line.
 * @module
 */
import { addDays } from "../core/insights/summary-range.js";
import { readConfig } from "../core/foundation/config.js";
import { logError, logInfo } from "../core/foundation/log.js";
import { dayOfRejectedKey, rejectedPrefix } from "../core/quality/rejected-sample-key.js";
import { isValidTenant } from "../core/tenants/tenant-name.js";

const MAX_DELETES_PER_TENANT = 5_000;
const LIST_PAGE = 1000;

export type SamplePurgeBindings = Pick<Env, "EXPORTS"> & Parameters<typeof readConfig>[0];

export async function purgeRejectedSamples(env: SamplePurgeBindings, now: number): Promise<void> {
  const started = Date.now();
  const retentionDays = readConfig(env).quality.sampleRetentionDays;
  // Kept: the samples of the last `retentionDays` days before today, and today's.
  const firstKeptDay = addDays(new Date(now).toISOString().slice(0, 10), -retentionDays);
  let tenants = 0;
  let deleted = 0;
  try {
    for await (const tenant of tenantsOf(env.EXPORTS)) {
      tenants++;
      deleted += await purgeTenant(env.EXPORTS, tenant, firstKeptDay);
    }
  } catch (error) {
    logError("purge_samples", { tenants, deleted }, error);
    return;
  }
  logInfo("purge_samples", { first_kept_day: firstKeptDay, tenants, deleted, duration_ms: Date.now() - started });
}

async function purgeTenant(bucket: R2Bucket, tenant: string, firstKeptDay: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  while (deleted < MAX_DELETES_PER_TENANT) {
    const page = await bucket.list({ prefix: rejectedPrefix(tenant), limit: LIST_PAGE, cursor });
    const days = page.objects.map((object) => ({ key: object.key, day: dayOfRejectedKey(tenant, object.key) }));
    const old = days.filter(({ day }) => day !== undefined && day < firstKeptDay).map(({ key }) => key);
    if (old.length > 0) await bucket.delete(old);
    deleted += old.length;
    // Keys are in day order: a page that reaches a kept day ends the tenant's old samples.
    if (days.some(({ day }) => day !== undefined && day >= firstKeptDay) || !page.truncated) break;
    cursor = page.cursor;
  }
  return deleted;
}

async function* tenantsOf(bucket: R2Bucket): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ delimiter: "/", limit: LIST_PAGE, cursor });
    for (const prefix of page.delimitedPrefixes) {
      const tenant = prefix.slice(0, -1);
      if (isValidTenant(tenant)) yield tenant;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor !== undefined);
}
