/**
 * The dead-letter step of an erasure: a dead letter under `_deadletter/` is a queue message of the events queue
 * kept verbatim (dead-letter.ts), `{"v":1,"tenant":…,"events":[…]}`. The tenant's events of the user are taken
 * out of it (the others' kept as they were); a dead letter left with no event is deleted. Anything that is not
 * such a message (a poison body, a delivery task) holds no events and is left alone.
 * @module
 */
import type { ErasureContext } from "./record-erased-file.js";
import { progressStatement } from "./erasure-store.js";

interface DeadEventMessage {
  tenant?: unknown;
  events?: unknown;
}

export async function eraseFromDeadLetter(context: ErasureContext, key: string): Promise<void> {
  const object = await context.bucket.get(key);
  if (!object) return;
  let message: DeadEventMessage;
  try {
    message = JSON.parse(await object.text()) as DeadEventMessage;
  } catch {
    return;
  }
  if (message?.tenant !== context.tenant || !Array.isArray(message.events)) return;
  const events = message.events as unknown[];
  const kept = events.filter(
    (event) =>
      !(typeof event === "object" && event !== null && (event as { userid?: unknown }).userid === context.userid),
  );
  if (kept.length === events.length) return;
  if (kept.length === 0) await context.bucket.delete(key);
  else {
    await context.bucket.put(key, JSON.stringify({ ...message, events: kept }), {
      httpMetadata: object.httpMetadata,
      customMetadata: object.customMetadata,
    });
  }
  await progressStatement(
    context.db,
    context.id,
    undefined,
    { deadLettersRewritten: 1, linesRemoved: events.length - kept.length },
    Date.now(),
  ).run();
}
