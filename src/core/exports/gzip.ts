/**
 * gzip and gunzip with the web-standard CompressionStream, which Node 20 and workerd both provide, so the code
 * that builds export files runs (and is tested) anywhere.
 * @module
 */

export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return transform(bytes, new CompressionStream("gzip"));
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
