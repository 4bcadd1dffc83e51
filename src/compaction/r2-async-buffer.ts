/**
 * An R2 object as hyparquet's AsyncBuffer: its size, and byte ranges read on demand, so reading a Parquet file
 * back fetches its footer and the column chunks asked for, never the whole object.
 * @module
 */
import type { AsyncBuffer } from "hyparquet";

export function r2AsyncBuffer(bucket: R2Bucket, key: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start, end) {
      const length = (end ?? size) - start;
      const object = await bucket.get(key, { range: { offset: start, length } });
      if (!object) throw new Error(`R2 has no object ${key}`);
      return object.arrayBuffer();
    },
  };
}
