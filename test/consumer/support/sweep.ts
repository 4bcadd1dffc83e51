/**
 * Runs the Worker's cron handler as if it fired at a given time, or at every hour of a day (each hourly run
 * purges one slice of the dedupe claims: src/consumer/purge-exports.ts).
 * @module
 */
import { createScheduledController, env } from "cloudflare:test";
import worker from "../../../src/index.js";

export const HOUR_MS = 60 * 60 * 1000;

export async function runCronAt(scheduledTime: number): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "17 * * * *" }), env);
}

/** The 24 hourly runs from `firstScheduledTime` on: together they purge every slice of claims once. */
export async function runCronForADay(firstScheduledTime: number): Promise<void> {
  for (let hour = 0; hour < 24; hour++) await runCronAt(firstScheduledTime + hour * HOUR_MS);
}
