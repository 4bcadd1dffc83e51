/**
 * gzip and gunzip with the web-standard CompressionStream, which Node 20 and workerd both provide, so the code
 * that builds export files runs (and is tested) anywhere.
 * @module
 */

export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return transform(bytes, new CompressionStream("gzip"));
}

/**
 * gzip of text given in pieces, each UTF-8 encoded and compressed before the next is asked for: a large file is
 * never one string nor one buffer of its uncompressed bytes (a full consumer batch is ~12 MB of JSON).
 */
export async function gzipText(pieces: Iterable<string>): Promise<Uint8Array> {
  const stream = new CompressionStream("gzip");
  const writer = stream.writable.getWriter();
  const encoder = new TextEncoder();
  const written = (async () => {
    try {
      for (const piece of pieces) await writer.write(encoder.encode(piece));
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => undefined);
      throw error;
    }
  })();
  const output = new Response(stream.readable).arrayBuffer();
  const [, buffer] = await Promise.all([written, output]);
  return new Uint8Array(buffer);
}

export function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  return transform(bytes, new DecompressionStream("gzip"));
}

async function transform(bytes: Uint8Array, stream: TransformStream<Uint8Array, Uint8Array>): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Write and read concurrently: a large input would otherwise fill the stream's queue and never finish.
  const written = writer.write(bytes).then(() => writer.close());
  const output = new Response(stream.readable).arrayBuffer();
  const [, buffer] = await Promise.all([written, output]);
  return new Uint8Array(buffer);
}
