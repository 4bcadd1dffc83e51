/**
 * The bytes a delivery uploads: its size and any range of it. The R2 source reads ranges on demand, so a
 * multipart upload holds one part in memory at a time, never the whole file.
 * @module
 */

export interface ObjectSource {
  size: number;
  /** What the bytes are (export-key.ts CONTENT_TYPES): application/gzip for a JSON Lines export file. */
  contentType: string;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array, contentType = "application/gzip"): ObjectSource {
  return { size: bytes.byteLength, contentType, read: async (offset, length) => bytes.slice(offset, offset + length) };
}

/** An R2 object of known size; a range read that finds no object throws (the file was purged meanwhile). */
export function r2Source(bucket: R2Bucket, key: string, size: number, contentType: string): ObjectSource {
  return {
    size,
    contentType,
    async read(offset, length) {
      const object = await bucket.get(key, { range: { offset, length } });
      if (!object) throw new Error(`R2 has no object ${key}`);
      return new Uint8Array(await object.arrayBuffer());
    },
  };
}

/** The part boundaries of a source: [offset, length] pairs of partBytes, the last one shorter. */
export function partRanges(size: number, partBytes: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let offset = 0; offset < size; offset += partBytes) ranges.push([offset, Math.min(partBytes, size - offset)]);
  return ranges;
}
