/**
 * The sketch work of a commit, in Node: `npx tsx bench/insights/run-sketches.ts`. The consumer encodes the file's
 * users and devices sketches of its minute and its day (src/core/insights/insight-rollup.ts); the shard decodes
 * the four, decodes the minute row's stored sketches, merges the file's into them and encodes them again
 * (src/ledger/shard-rollups.ts; the day row is merged once a day, when the shard folds the day's minutes): 6
 * encodes, 6 decodes and 2 merges per commit. Timed for a small tenant (a file of 3 users, a minute row of 10: sparse)
 * and a big one (a file of 100 users, a minute row of 1,000: dense). Prints µs per commit (medians of RUNS) and
 * the stored minute sketch's length.
 * @module
 */
import {
  addToSketch,
  decodeSketch,
  emptySketch,
  encodeSketch,
  mergeSketchInto,
  type Sketch,
} from "../../src/core/insights/hyperloglog.js";
import { median } from "../lib/stats.js";

const REPEATS = 2_000;
const RUNS = 15;

const PROFILES = {
  small_tenant: { fileIds: 3, minuteIds: 10 },
  big_tenant: { fileIds: 100, minuteIds: 1_000 },
};

function sketchOf(count: number, kind: string): Sketch {
  const sketch = emptySketch();
  for (let index = 0; index < count; index++) addToSketch(sketch, `${kind}-${index}`);
  return sketch;
}

const results: Record<string, { commit_us: number; minute_chars: number }> = {};
for (const [name, profile] of Object.entries(PROFILES)) {
  const kinds = ["users", "devices"].map((kind) => ({
    file: sketchOf(profile.fileIds, kind),
    storedMinute: encodeSketch(sketchOf(profile.minuteIds, kind)),
  }));
  const commit = () => {
    for (const { file, storedMinute } of kinds) {
      const [minute, day] = [encodeSketch(file), encodeSketch(file)];
      decodeSketch(day);
      const merged = decodeSketch(storedMinute);
      mergeSketchInto(merged, decodeSketch(minute));
      encodeSketch(merged);
    }
  };
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    for (let repeat = 0; repeat < REPEATS; repeat++) commit();
    runs.push(((performance.now() - started) * 1000) / REPEATS);
  }
  results[name] = { commit_us: Number(median(runs).toFixed(1)), minute_chars: kinds[0]!.storedMinute.length };
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
