/**
 * Sequence numbers as runs: the export ledger (src/ledger/) records which sequence numbers of a session each file
 * holds as inclusive runs [first, last] of consecutive numbers, one row per run instead of one per event. A device
 * that counts up sends one run per request; one that sends random or huge numbers gets one run per number it
 * really sent, never more, so the ledger only grows with what was sent.
 * @module
 */

export interface SequenceRun {
  /** Inclusive. */
  first: number;
  /** Inclusive. */
  last: number;
}

/** The distinct numbers of `sequenceNumbers`, ascending. */
export function distinctAscending(sequenceNumbers: Iterable<number>): number[] {
  return [...new Set(sequenceNumbers)].sort((a, b) => a - b);
}

/** The maximal runs of consecutive numbers in `ascending` (distinct, ascending). */
export function runsOf(ascending: readonly number[]): SequenceRun[] {
  const runs: SequenceRun[] = [];
  let current: SequenceRun | undefined;
  for (const number of ascending) {
    if (current && number === current.last + 1) current.last = number;
    else {
      current = { first: number, last: number };
      runs.push(current);
    }
  }
  return runs;
}

/**
 * For each number of `ascending`, the index of the run of `runs` (disjoint, ascending by first) that holds it, or
 * -1. One pass over both.
 */
export function runIndexOf(ascending: readonly number[], runs: readonly SequenceRun[]): number[] {
  const found: number[] = [];
  let index = 0;
  for (const number of ascending) {
    while (index < runs.length && runs[index]!.last < number) index++;
    const run = runs[index];
    found.push(run && run.first <= number ? index : -1);
  }
  return found;
}
