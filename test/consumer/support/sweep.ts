// Runs the Worker's cron handler as if it fired at a given time.
import { createScheduledController, env } from "cloudflare:test";
import worker from "../../../src/index.js";

export const HOUR_MS = 60 * 60 * 1000;

export async function runCronAt(scheduledTime: number): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "17 * * * *" }), env);
}
