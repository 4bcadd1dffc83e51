/**
 * The cron's part of dead letters: writes the ones held in D1 during an R2 outage to R2, oldest first, deleting
 * each row only after its object is stored. While any remain it logs `deadletter_backlog` at error level (count
 * and the oldest's age): alert on it, it means R2 is still refusing writes or the backlog is draining.
 * @module
 */
import { logError, logInfo } from "../core/foundation/log.js";
import { logDeadLetter, storeDeadLetterObject } from "./dead-letter.js";
import { forgetHeldDeadLetter, heldBacklog, heldDeadLetters } from "./held-dead-letters.js";

/** Per run: the hourly cron drains a backlog of 20,000 dead letters (up to ~2.5 GB) in a day. */
const RELEASE_PER_RUN = 1000;
const PAGE = 100;

export type ReleaseBindings = Pick<Env, "EXPORTS" | "DB">;

export async function releaseHeldDeadLetters(env: ReleaseBindings, now: number): Promise<void> {
  let released = 0;
  try {
    while (released < RELEASE_PER_RUN) {
      const page = await heldDeadLetters(env.DB, PAGE);
      if (page.length === 0) break;
      for (const object of page) {
        await storeDeadLetterObject(env.EXPORTS, object);
        await forgetHeldDeadLetter(env.DB, object.key);
        logDeadLetter(object);
        released++;
      }
    }
  } catch (error) {
    logError("deadletter_release", { released }, error);
  }
  await reportBacklog(env.DB, now, released);
}

async function reportBacklog(db: D1Database, now: number, released: number): Promise<void> {
  try {
    const backlog = await heldBacklog(db);
    if (backlog.count === 0) {
      if (released > 0) logInfo("deadletter_backlog", { held: 0, released });
      return;
    }
    const oldestAgeHours = backlog.oldestHeldAt ? (now - Date.parse(backlog.oldestHeldAt)) / 3_600_000 : 0;
    logError("deadletter_backlog", { held: backlog.count, released, oldest_age_hours: Math.round(oldestAgeHours) });
  } catch (error) {
    logError("deadletter_backlog", { released }, error);
  }
}
