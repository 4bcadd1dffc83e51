/**
 * One step of an erasure: one R2 object of the tenant that may hold the user. Every step may fail and the
 * Worker may die between any two; the order makes a second run finish the same work and count it once:
 *  1. READ the object and drop the user's lines (none: it is kept, or this erasure already rewrote it).
 *  2. WRITE: some lines left, put them at the same key (new ETag), the erasure's id and how many lines it removed
 *     in the object's metadata; none left, skip to 3.
 *  3. MANIFEST: the ledger shard that holds the file (src/ledger/) takes its new etag, size and counts (events,
 *     types, first and last receivedat, events of earlier days: core/privacy/erased-file-facts.ts), or marks
 *     it erased (the pull API stops listing it). Setting the same facts again changes nothing.
 *  4. RECORD (one D1 transaction, record-erased-file.ts): the erasure's counters add the file unless erasure_files
 *     already has it, its row there, the D1 manifest copy (tenants with destinations) and its delivery rows back
 *     to pending. Then the delivery messages.
 *  5. An emptied file's object is deleted last, so a death before it leaves it to be found again.
 * The erasure's cursor moves only at the end of a slice (erase-user.ts), so a death anywhere runs the slice
 * again. A death after 2 leaves an object without the user: the next run sees this erasure's id in its metadata
 * and, unless erasure_files has it, redoes 3 and 4 with the lines the metadata says were removed.
 * @module
 */
import { FACTS_METADATA } from "../core/exports/export-file.js";
import { dayOfStoredKey } from "../core/exports/export-key.js";
import { gunzip, gzip } from "../core/exports/gzip.js";
import { eraseUserLines } from "../core/privacy/erase-lines.js";
import { type ErasedFileFacts, erasedFileFacts } from "../core/privacy/erased-file-facts.js";
import {
  alreadyCounted,
  ERASED_BY,
  ERASED_LINES,
  type ErasedFile,
  type ErasureContext,
  type FileOutcome,
  recordErasedFile,
} from "./record-erased-file.js";

export async function eraseFromExportFile(context: ErasureContext, key: string): Promise<FileOutcome> {
  const { bucket, userid } = context;
  const object = await bucket.get(key);
  if (!object) return "gone";
  const text = new TextDecoder().decode(await gunzip(new Uint8Array(await object.arrayBuffer())));
  const erased = eraseUserLines(text, userid);

  if (erased.removed > 0 && erased.kept === 0) {
    await recordErasedFile(context, key, { format: "jsonl", kind: "deleted", removed: erased.removed });
    await bucket.delete(key);
    return "deleted";
  }
  if (erased.removed > 0) {
    const facts = erasedFileFacts(erased.text, dayOfStoredKey(key));
    const written = await bucket.put(key, await gzip(new TextEncoder().encode(erased.text)), {
      httpMetadata: object.httpMetadata,
      // The userid filter stays as it was: a run that dies after this put must still pick the file again.
      customMetadata: {
        ...object.customMetadata,
        ...factsMetadata(facts),
        [ERASED_BY]: context.id,
        [ERASED_LINES]: String(erased.removed),
      },
    });
    if (!written) throw new Error("R2 put returned no object");
    await recordErasedFile(context, key, rewritten(written, facts, erased.removed));
    return "rewritten";
  }
  if (object.customMetadata?.[ERASED_BY] !== context.id) return "kept";
  if (await alreadyCounted(context, key)) return "done";
  // A run died after WRITE: finish the file with what the object's metadata says was removed.
  const facts = erasedFileFacts(text, dayOfStoredKey(key));
  await recordErasedFile(context, key, rewritten(object, facts, Number(object.customMetadata[ERASED_LINES] ?? 0)));
  return "rewritten";
}

/**
 * The facts export-file.ts records in an object's custom metadata, as the rewritten file now has them: the pull
 * API lists a file from them once its manifest row has aged out (src/edge/exports/stored-files.ts).
 */
function factsMetadata(facts: ErasedFileFacts): Record<string, string> {
  return {
    [FACTS_METADATA.events]: String(facts.events),
    [FACTS_METADATA.firstReceivedAt]: facts.firstReceivedAt,
    [FACTS_METADATA.lastReceivedAt]: facts.lastReceivedAt,
    [FACTS_METADATA.typeCounts]: JSON.stringify(facts.typeCounts),
    [FACTS_METADATA.earlierDayEvents]: String(facts.earlierDayEvents),
  };
}

function rewritten(object: R2Object, facts: ErasedFileFacts, removed: number): ErasedFile {
  return { format: "jsonl", kind: "rewritten", removed, etag: object.etag, bytes: object.size, ...facts };
}
