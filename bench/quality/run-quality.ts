/**
 * The data quality counts' cost at the edge, in Node: `npx tsx bench/quality/run-quality.ts`. Times, per
 * 20-event request of the seed mix with 1, 5 and 20 rejected events, the validation the request pays anyway and
 * the request report on top of it (rejectedEventsReport and packing it into a message), interleaved so a busy
 * moment of a shared machine hits both alike. A request without rejections builds no report. Prints µs per
 * request (medians of RUNS) and the report's size as JSON.
 * @module
 */
import { seedEvents } from "../../fixtures/seed-events.js";
import { DEFAULT_LIMITS } from "../../src/core/foundation/config.js";
import { packEventMessages } from "../../src/core/events/queue-message.js";
import { validateEvents } from "../../src/core/events/validate-batch.js";
import { rejectedEventsReport } from "../../src/core/quality/rejected-events-report.js";
import { median } from "../lib/stats.js";

const REQUEST_EVENTS = 20;
const REPEATS = 2_000;
const RUNS = 15;

function request(rejected: number): unknown[] {
  const seeds = seedEvents();
  return Array.from({ length: REQUEST_EVENTS }, (_, index) => {
    const event = { ...seeds[index % seeds.length]!, sequencenumber: index + 1 };
    return index < rejected ? { ...event, clientversion: 7, sessionid: "not a session" } : event;
  });
}

function time(run: () => void): number {
  const started = performance.now();
  for (let repeat = 0; repeat < REPEATS; repeat++) run();
  return ((performance.now() - started) * 1000) / REPEATS;
}

const receivedat = new Date().toISOString();
const results: Record<string, { validate_us: number; report_us: number; report_bytes: number }> = {};
for (const rejected of [1, 5, 20]) {
  const events = request(rejected);
  const validation = validateEvents(events, DEFAULT_LIMITS);
  const validate = () => validateEvents(events, DEFAULT_LIMITS);
  const report = () => packEventMessages("bench", [], rejectedEventsReport(events, validation.rejected, receivedat));
  const validating: number[] = [];
  const reporting: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    validating.push(time(validate));
    reporting.push(time(report));
  }
  results[`${rejected}_rejected`] = {
    validate_us: Number(median(validating).toFixed(1)),
    report_us: Number(median(reporting).toFixed(1)),
    report_bytes: JSON.stringify(rejectedEventsReport(events, validation.rejected, receivedat)).length,
  };
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
