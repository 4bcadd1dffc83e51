/**
 * Summaries in the insights tests: one read through the real Worker as the tenant's reader, and queue messages
 * received at a chosen time.
 * @module
 */
import { expect } from "vitest";
import { summarySchema, type Summary } from "../../src/core/insights/insight-summary-schema.js";
import { bearer, readerToken } from "./tokens.js";
import { callWorker, collectorRequest } from "./worker.js";

/** GETs /v1/summaries/{path} as the tenant's reader; expects a 200 of the summary's shape. */
export async function summaryOf(tenant: string, path: string): Promise<Summary> {
  const response = await callWorker(
    collectorRequest(`/v1/summaries/${path}`, { headers: bearer(await readerToken(tenant, "insights:read")) }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return summarySchema.parse(await response.json());
}

/**
 * The message bodies with every event's receivedat set to `receivedat` (as if received then), and its eventtime
 * moved by as much, so it stays as far before receivedat as the edge had found it.
 */
export function receivedAt(bodies: readonly string[], receivedat: string): string[] {
  return bodies.map((body) => {
    const message = JSON.parse(body) as { events: Record<string, unknown>[] };
    for (const event of message.events) {
      const shift = Date.parse(receivedat) - Date.parse(String(event.receivedat));
      if (typeof event.eventtime === "string") {
        event.eventtime = new Date(Date.parse(event.eventtime) + shift).toISOString();
      }
      event.receivedat = receivedat;
    }
    return JSON.stringify(message);
  });
}
