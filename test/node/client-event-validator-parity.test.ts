/**
 * The generated fast path (src/core/events/client-event-*.generated.js, from `npm run generate`) must agree with zod
 * on every event: never accept what zod rejects (nor the reverse), and return the value zod would, keys in the
 * same order.
 * Cases: the seed examples and tens of thousands of systematic mutations (client-event-validator-cases.ts).
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { copyClientEvent } from "../../src/core/events/client-event-copy.generated.js";
import isDefaultClientEvent from "../../src/core/events/client-event-validator.generated.js";
import { clientEventSchema, clientEventSchemaFor } from "../../src/core/events/schemas/events.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { mutationCases, wholeEventCases, type Case } from "./client-event-validator-cases.js";

/** The same schema under another identity, so validateEvents takes its zod-only path (as for custom sources). */
const zodOnly = clientEventSchema.clone();

interface Tally {
  accepted: number;
  rejected: number;
  disagreements: string[];
}

function compare(cases: readonly Case[]): Tally {
  const tally: Tally = { accepted: 0, rejected: 0, disagreements: [] };
  for (const { name, event } of cases) {
    const before = JSON.stringify(event);
    const zod = clientEventSchema.safeParse(event);
    const fast = isDefaultClientEvent(event);
    if (fast !== zod.success) {
      tally.disagreements.push(
        `${name}: generated validator ${fast ? "accepts" : "rejects"}, zod ${zod.success ? "accepts" : "rejects"}`,
      );
      continue;
    }
    if (zod.success) {
      tally.accepted++;
      const copy = copyClientEvent(event);
      if (!isDeepStrictEqual(copy, zod.data) || JSON.stringify(copy) !== JSON.stringify(zod.data)) {
        tally.disagreements.push(
          `${name}: copy ${JSON.stringify(copy)} differs from zod's ${JSON.stringify(zod.data)}`,
        );
      }
    } else {
      // The fast path said no, so validateEvents hands the event to the same zod call: nothing more to compare.
      tally.rejected++;
      continue;
    }
    const withFastPath = validateEvents([event], DEFAULT_LIMITS);
    const zodOnlyResult = validateEvents([event], DEFAULT_LIMITS, zodOnly);
    if (
      !isDeepStrictEqual(withFastPath, zodOnlyResult) ||
      JSON.stringify(withFastPath) !== JSON.stringify(zodOnlyResult)
    ) {
      tally.disagreements.push(
        `${name}: validateEvents ${JSON.stringify(withFastPath)} differs from zod's ${JSON.stringify(zodOnlyResult)}`,
      );
    }
    if (JSON.stringify(event) !== before) tally.disagreements.push(`${name}: the input was changed`);
  }
  return tally;
}

describe("the generated fast path of validateEvents", () => {
  it("agrees with zod on the seed events and whole-event cases: non-objects, reordered keys, extra and server fields, every type", () => {
    const tally = compare(wholeEventCases());
    expect(tally.disagreements.slice(0, 20)).toEqual([]);
    // Not vacuous: both verdicts occur (each seed, reordered and with extras, is valid).
    expect(tally.accepted).toBeGreaterThanOrEqual(3 * 21);
    expect(tally.rejected).toBeGreaterThan(100);
  });

  it("agrees with zod on every field of every seed event removed or set to each edge value, with the same output", () => {
    const cases = mutationCases();
    const tally = compare(cases);
    expect(tally.disagreements.slice(0, 20)).toEqual([]);
    expect(cases.length).toBeGreaterThan(40_000);
    expect(tally.accepted).toBeGreaterThan(5_000);
    expect(tally.rejected).toBeGreaterThan(20_000);
    // Tens of thousands of zod parses: seconds, more on a busy machine.
  }, 120_000);

  it("is only the default schema's: a tenant's schema with custom sources goes to zod, which accepts its sources", () => {
    const play = wholeEventCases().find((entry) => entry.name === "seed 6")!.event as Record<string, unknown>;
    expect(play.type).toBe("playevent");
    const custom = { ...play, source: "acme-radio" };
    expect(isDefaultClientEvent(custom)).toBe(false);
    expect(validateEvents([custom], DEFAULT_LIMITS).valid).toHaveLength(0);
    const tenant = validateEvents([custom], DEFAULT_LIMITS, clientEventSchemaFor(["acme-radio"]));
    expect(tenant.rejected).toEqual([]);
    expect(tenant.valid[0]!.event).toMatchObject({ source: "acme-radio" });
  });
});
