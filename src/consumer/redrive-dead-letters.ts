/**
 * Sends dead letters back through the pipeline: one page of `_deadletter/` objects is re-queued on EVENTS as
 * text (byte for byte what died) and then deleted. Sending comes first, so a failure part-way can only send a
 * message twice, and event ids make the export drop the second copy. A message that is still poison dies again
 * with a new message id; `uploadedBefore` keeps a run from picking those up again.
 * With several events queue partitions (EVENT_QUEUES) every dead letter still goes back on EVENTS (partition 0),
 * whichever partition it died on: the export routes each event to its ledger shard itself, so the queue that
 * carries a message decides only how many shards its batch meets, never where an event is claimed.
 * @module
 */
import { DEAD_LETTER_PREFIX } from "../core/exports/export-key.js";
import { logInfo } from "../core/foundation/log.js";
import { groupIntoSendBatches } from "../core/events/queue-message.js";

export interface RedrivePage {
  limit: number;
  /** Continue after this key (the `next` of the previous page). */
  startAfter: string | undefined;
  /** Only dead letters stored before this instant (the start of the run). */
  uploadedBefore: Date | undefined;
}

export interface RedriveResult {
  redriven: number;
  /** Listed but stored after `uploadedBefore`: left where they are. */
  skipped: number;
  /** Pass as `startAfter` for the next page; null when this was the last. */
  next: string | null;
}

export async function redriveDeadLetters(bucket: R2Bucket, queue: Queue, page: RedrivePage): Promise<RedriveResult> {
  const listing = await bucket.list({
    prefix: DEAD_LETTER_PREFIX,
    limit: page.limit,
    ...(page.startAfter ? { startAfter: page.startAfter } : {}),
  });
  const due = listing.objects.filter((object) => !page.uploadedBefore || object.uploaded < page.uploadedBefore);
  const letters = await Promise.all(
    due.map(async (object) => ({ key: object.key, body: await readText(bucket, object.key) })),
  );
  const present = letters.filter((letter): letter is { key: string; body: string } => letter.body !== null);
  for (const batch of groupIntoSendBatches(present.map((letter) => letter.body))) {
    await queue.sendBatch(batch.map((body) => ({ body, contentType: "text" as const })));
  }
  if (present.length > 0) await bucket.delete(present.map((letter) => letter.key));
  const result: RedriveResult = {
    redriven: present.length,
    skipped: listing.objects.length - due.length,
    next: listing.truncated ? (listing.objects.at(-1)?.key ?? null) : null,
  };
  logInfo("redrive", { ...result });
  return result;
}

/** null when the object was deleted after it was listed (another redrive took it). */
async function readText(bucket: R2Bucket, key: string): Promise<string | null> {
  const object = await bucket.get(key);
  return object ? object.text() : null;
}
