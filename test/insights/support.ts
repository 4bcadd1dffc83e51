/**
 * Helpers of the insights tests: tokens that may read summaries, reading a summary through the real Worker, and
 * the counts a list of events should give.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { sign } from "hono/utils/jwt/jwt";
import { expect } from "vitest";
import { summarySchema, type Summary } from "../../src/core/insights/insight-summary-schema.js";

export function readerToken(tenant: string, scope = "insights:read"): Promise<string> {
  return sign(
    { tenant, sub: `viewer-of-${tenant}`, scope, exp: Math.floor(Date.now() / 1000) + 600 },
    env.JWT_SECRET,
    "HS256",
  );
}

/** GETs /v1/summaries/{path} as the tenant's reader; expects a 200 of the summary's shape. */
export async function summaryOf(tenant: string, path: string): Promise<Summary> {
  const response = await SELF.fetch(`https://collector.test/v1/summaries/${path}`, {
    headers: { authorization: `Bearer ${await readerToken(tenant)}` },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return summarySchema.parse(await response.json());
}

/** How many of `events` have each value of `field` (only events that have it). */
export function tally(
  events: readonly Record<string, unknown>[],
  field: string,
  map = (value: string) => value,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    if (event[field] === undefined) continue;
    const value = map(String(event[field]));
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

/** The message bodies with every event's receivedat set to `receivedat` (as if received then). */
export function receivedAt(bodies: readonly string[], receivedat: string): string[] {
  return bodies.map((body) => {
    const message = JSON.parse(body) as { events: Record<string, unknown>[] };
    for (const event of message.events) event.receivedat = receivedat;
    return JSON.stringify(message);
  });
}
