/**
 * The D1 statements over the deliveries table (one row per committed file and destination): record what must be
 * delivered, find what was missed, and move a row through pending → delivered | failed. Every insert is
 * ON CONFLICT DO NOTHING ... RETURNING, so of two writers racing for the same row only one gets it back and
 * enqueues it.
 * @module
 */
import type { DeliveryTask } from "./delivery-message.js";

interface TaskRow {
  file_key: string;
  destination_id: string;
}

const toTasks = (rows: readonly TaskRow[]): DeliveryTask[] =>
  rows.map((row) => ({ file: row.file_key, destination: row.destination_id }));

/** Runs a statement that ends in RETURNING file_key, destination_id: the rows it wrote, as tasks. */
async function writtenTasks(statement: D1PreparedStatement): Promise<DeliveryTask[]> {
  return toTasks((await statement.all<TaskRow>()).results);
}

/** A committed file's rows, one per destination its tenant has now; returns the rows this call created. */
export async function insertPendingDeliveries(
  db: D1Database,
  tenant: string,
  fileKey: string,
  now: number,
): Promise<DeliveryTask[]> {
  return writtenTasks(
    db
      .prepare(
        `INSERT INTO deliveries (file_key, destination_id, tenant, state, updated_at)
         SELECT ?1, id, tenant, 'pending', ?3 FROM destinations WHERE tenant = ?2
         ON CONFLICT (file_key, destination_id) DO NOTHING
         RETURNING file_key, destination_id`,
      )
      .bind(fileKey, tenant, now),
  );
}

/**
 * The cron's catch-up: rows for files committed in [since, until) at destinations that existed when they were
 * committed, where the commit hook never wrote one (the Worker died, or D1 failed, right after the commit).
 */
export async function insertMissedDeliveries(
  db: D1Database,
  since: number,
  until: number,
  now: number,
  limit: number,
): Promise<DeliveryTask[]> {
  return writtenTasks(
    db
      .prepare(
        `INSERT INTO deliveries (file_key, destination_id, tenant, state, updated_at)
         SELECT file.key, destination.id, file.tenant, 'pending', ?3
         FROM export_files AS file JOIN destinations AS destination
           ON destination.tenant = file.tenant AND destination.created_at <= file.committed_at
         WHERE file.state = 'committed' AND file.erased_at IS NULL AND file.committed_at >= ?1 AND file.committed_at < ?2
           AND NOT EXISTS (SELECT 1 FROM deliveries WHERE file_key = file.key AND destination_id = destination.id)
         LIMIT ?4
         ON CONFLICT (file_key, destination_id) DO NOTHING
         RETURNING file_key, destination_id`,
      )
      .bind(since, until, now, limit),
  );
}

/** Pending rows no attempt has touched since staleBefore: their message is lost. Touches them and returns them. */
export async function claimStalePendingDeliveries(
  db: D1Database,
  staleBefore: number,
  now: number,
  limit: number,
): Promise<DeliveryTask[]> {
  return writtenTasks(
    db
      .prepare(
        `UPDATE deliveries SET updated_at = ?2
         WHERE (file_key, destination_id) IN (
           SELECT file_key, destination_id FROM deliveries WHERE state = 'pending' AND updated_at < ?1 LIMIT ?3)
         RETURNING file_key, destination_id`,
      )
      .bind(staleBefore, now, limit),
  );
}

export interface DeliveryWork {
  state: "pending" | "delivered" | "failed";
  tenant: string;
  bytes: number;
  /** An erasure removed every line of the file: the delivery deletes it at the destination. */
  erased: boolean;
}

/**
 * An erasure rewrote or emptied the file: every destination row of it goes back to pending, so the new bytes
 * (or the deletion) reach each destination as a delivery. Returns the statement (the erasure runs it in its own
 * transaction); its RETURNING rows are the tasks to enqueue.
 */
export function resetFileDeliveries(db: D1Database, fileKey: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE deliveries SET state = 'pending', attempts = 0, last_error = NULL, delivered_at = NULL, updated_at = ?2
       WHERE file_key = ?1
       RETURNING file_key, destination_id`,
    )
    .bind(fileKey, now);
}

/** The rows a statement of resetFileDeliveries returned, as tasks. */
export function resetTasks(result: D1Result<unknown> | undefined): DeliveryTask[] {
  return toTasks((result?.results ?? []) as TaskRow[]);
}

/** The row and its committed file's size; undefined when either is gone (destination removed, file purged). */
export async function findDeliveryWork(db: D1Database, task: DeliveryTask): Promise<DeliveryWork | undefined> {
  const row = await db
    .prepare(
      `SELECT delivery.state AS state, file.tenant AS tenant, file.bytes AS bytes, file.erased_at AS erased_at
       FROM deliveries AS delivery JOIN export_files AS file ON file.key = delivery.file_key AND file.state = 'committed'
       WHERE delivery.file_key = ?1 AND delivery.destination_id = ?2`,
    )
    .bind(task.file, task.destination)
    .first<{ state: DeliveryWork["state"]; tenant: string; bytes: number | null; erased_at: number | null }>();
  return row
    ? { state: row.state, tenant: row.tenant, bytes: row.bytes ?? 0, erased: row.erased_at !== null }
    : undefined;
}

export async function markDelivered(db: D1Database, task: DeliveryTask, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_error = NULL, delivered_at = ?3, updated_at = ?3
       WHERE file_key = ?1 AND destination_id = ?2`,
    )
    .bind(task.file, task.destination, now)
    .run();
}

export async function recordFailedAttempt(
  db: D1Database,
  task: DeliveryTask,
  error: string,
  now: number,
): Promise<void> {
  await db
    .prepare(
      `UPDATE deliveries SET attempts = attempts + 1, last_error = ?3, updated_at = ?4
       WHERE file_key = ?1 AND destination_id = ?2 AND state = 'pending'`,
    )
    .bind(task.file, task.destination, error, now)
    .run();
}

/** The queue gave up on the row: it stays 'failed' with its last error until a redeliver. */
export async function markFailed(db: D1Database, task: DeliveryTask, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE deliveries SET state = 'failed', last_error = coalesce(last_error, 'retries exhausted'), updated_at = ?3
       WHERE file_key = ?1 AND destination_id = ?2 AND state = 'pending'`,
    )
    .bind(task.file, task.destination, now)
    .run();
}

export interface RedeliveryPage {
  tasks: DeliveryTask[];
  files: number;
  /** The last file key of the page when there may be more, else null. */
  next: string | null;
}

/**
 * Backfill: every committed file of the tenant in [fromDay, toDay] after afterKey (at most `limit` files) to
 * every destination of the tenant, as pending again whatever its state was.
 */
export async function resetForRedelivery(
  db: D1Database,
  range: { tenant: string; fromDay: string; toDay: string; afterKey: string; limit: number },
  now: number,
): Promise<RedeliveryPage> {
  const [files, reset] = await db.batch<{ key: string } | TaskRow>([
    db
      .prepare(
        `SELECT key FROM export_files WHERE tenant = ?1 AND state = 'committed' AND erased_at IS NULL AND day >= ?2 AND day <= ?3 AND key > ?4
         ORDER BY key LIMIT ?5`,
      )
      .bind(range.tenant, range.fromDay, range.toDay, range.afterKey, range.limit),
    db
      .prepare(
        `INSERT INTO deliveries (file_key, destination_id, tenant, state, updated_at)
         SELECT file.key, destination.id, file.tenant, 'pending', ?6
         FROM (SELECT key, tenant FROM export_files
               WHERE tenant = ?1 AND state = 'committed' AND erased_at IS NULL AND day >= ?2 AND day <= ?3 AND key > ?4 ORDER BY key LIMIT ?5) AS file
         JOIN destinations AS destination ON destination.tenant = file.tenant
         WHERE true
         ON CONFLICT (file_key, destination_id) DO UPDATE
           SET state = 'pending', attempts = 0, last_error = NULL, delivered_at = NULL, updated_at = excluded.updated_at
         RETURNING file_key, destination_id`,
      )
      .bind(range.tenant, range.fromDay, range.toDay, range.afterKey, range.limit, now),
  ]);
  const keys = ((files?.results ?? []) as { key: string }[]).map((row) => row.key);
  return {
    tasks: toTasks((reset?.results ?? []) as TaskRow[]),
    files: keys.length,
    next: keys.length === range.limit ? (keys.at(-1) ?? null) : null,
  };
}

export interface FileDelivery {
  file_key: string;
  destination: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  last_error: string | null;
  delivered_at: number | null;
}

/** Delivery rows of one day folder of a tenant, for the pull API's day manifest. */
export async function deliveriesOfDay(db: D1Database, tenant: string, day: string): Promise<FileDelivery[]> {
  const rows = await db
    .prepare(
      `SELECT delivery.file_key, destination.name AS destination, delivery.state, delivery.attempts, delivery.last_error, delivery.delivered_at
       FROM export_files AS file
       JOIN deliveries AS delivery ON delivery.file_key = file.key
       JOIN destinations AS destination ON destination.id = delivery.destination_id
       WHERE file.tenant = ?1 AND file.day = ?2 AND file.state = 'committed'
       ORDER BY delivery.file_key, destination.name`,
    )
    .bind(tenant, day)
    .all<FileDelivery>();
  return rows.results;
}

/** Rows by state per destination of a tenant, for the listing. */
export async function deliveryCountsByDestination(
  db: D1Database,
  tenant: string,
): Promise<Map<string, Record<string, number>>> {
  const rows = await db
    .prepare(
      "SELECT destination_id, state, count(*) AS files FROM deliveries WHERE tenant = ?1 GROUP BY destination_id, state",
    )
    .bind(tenant)
    .all<{ destination_id: string; state: string; files: number }>();
  const counts = new Map<string, Record<string, number>>();
  for (const row of rows.results)
    counts.set(row.destination_id, { ...counts.get(row.destination_id), [row.state]: row.files });
  return counts;
}
