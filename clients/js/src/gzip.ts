/**
 * Gzip with the platform's CompressionStream (browsers, Node 18+, Deno, Workers). React Native has none: the
 * client then sends plain JSON, which the collector accepts as well.
 * @module
 */

export function canGzip(): boolean {
  return typeof (globalThis as { CompressionStream?: unknown }).CompressionStream === "function";
}

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
