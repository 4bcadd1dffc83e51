/**
 * Splits a list into runs of at most `size` items, in order: D1 statements, queue sends and other APIs take a
 * bounded number of items per call.
 * @module
 */

export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
