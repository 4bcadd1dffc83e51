/**
 * The D1 statements over held_dead_letters: dead letters that R2 could not store when they died, held byte for
 * byte until the cron writes them to R2. Insert is idempotent by key (a retried hold of the same message is one
 * row), and a row is deleted only by key after its object is stored.
 * @module
 */
import type { DeadLetterObject } from "./dead-letter.js";

interface HeldRow {
  key: string;
  body: ArrayBuffer;
  content_type: string;
  metadata: string;
}

export async function holdDeadLetter(db: D1Database, object: DeadLetterObject, now: Date): Promise<void> {
  const bytes = typeof object.bytes === "string" ? new TextEncoder().encode(object.bytes) : object.bytes;
  await db
    .prepare(
      `INSERT INTO held_dead_letters (key, body, content_type, metadata, held_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING`,
    )
    .bind(object.key, bytes, object.contentType, JSON.stringify(object.metadata), now.toISOString())
    .run();
}

/** The oldest held dead letters first, at most `limit`. */
export async function heldDeadLetters(db: D1Database, limit: number): Promise<DeadLetterObject[]> {
  const { results } = await db
    .prepare("SELECT key, body, content_type, metadata FROM held_dead_letters ORDER BY held_at, key LIMIT ?")
    .bind(limit)
    .all<HeldRow>();
  return results.map((row) => ({
    key: row.key,
    bytes: new Uint8Array(row.body),
    contentType: row.content_type,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  }));
}

export async function forgetHeldDeadLetter(db: D1Database, key: string): Promise<void> {
  await db.prepare("DELETE FROM held_dead_letters WHERE key = ?").bind(key).run();
}

export interface HeldBacklog {
  count: number;
  oldestHeldAt: string | null;
}

export async function heldBacklog(db: D1Database): Promise<HeldBacklog> {
  const row = await db
    .prepare("SELECT count(*) AS count, min(held_at) AS oldest FROM held_dead_letters")
    .first<{ count: number; oldest: string | null }>();
  return { count: row?.count ?? 0, oldestHeldAt: row?.oldest ?? null };
}
