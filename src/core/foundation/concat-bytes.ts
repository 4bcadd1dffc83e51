/**
 * Joins byte chunks into one array: a body read in pieces, the parts of an upload, a file written in chunks.
 * @module
 */

/** `total` is the chunks' byte length (the caller usually counted it); one chunk of that length is returned as is. */
export function concatBytes(chunks: readonly Uint8Array[], total = chunks.reduce((sum, c) => sum + c.byteLength, 0)) {
  if (chunks.length === 1 && chunks[0]?.byteLength === total) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
