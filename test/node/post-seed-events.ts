/**
 * POSTs the document's examples to a locally running collector as one of a tenant's devices, each time with
 * fresh sequence numbers: the same events again would be dropped as duplicates.
 * @module
 */
import { expect } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import type { LocalCollector } from "./local-collector.js";

let sequence = 0;

/** Returns how many events were accepted (all of them, or the test fails). */
export async function postSeedEvents(collector: LocalCollector, tenant: string): Promise<number> {
  const events = seedEvents().map((event) => ({ ...event, sequencenumber: ++sequence }));
  const response = await fetch(new URL("/v1/events", collector.url), {
    method: "POST",
    headers: {
      authorization: `Bearer ${await collector.token(tenant, "events:write")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ schemaversion: "1.0", events }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return events.length;
}
