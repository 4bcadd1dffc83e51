/**
 * Runs the Worker's cron handler at every hour of a day: each hourly run purges one slice of the dedupe claims
 * (src/consumer/purge-exports.ts), so together the 24 purge every slice once.
 * @module
 */
import { HOUR_MS } from "./time.js";
import { runCron } from "./worker.js";

/** The 24 hourly runs from `firstScheduledTime` on. */
export async function runCronForADay(firstScheduledTime: number): Promise<void> {
  for (let hour = 0; hour < 24; hour++) await runCron(firstScheduledTime + hour * HOUR_MS);
}
