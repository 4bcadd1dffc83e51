/**
 * The lines of a stored JSON Lines export file, streamed: R2's body through gunzip and a UTF-8 decoder, cut at
 * newlines, so only a chunk of the file is in memory at a time.
 * @module
 */

export async function* exportFileLines(bucket: R2Bucket, key: string): AsyncGenerator<string> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`R2 has no object ${key}`);
  const text = object.body.pipeThrough(new DecompressionStream("gzip")).pipeThrough(new TextDecoderStream());
  let rest = "";
  for await (const chunk of text) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line !== "") yield line;
  }
  if (rest !== "") yield rest;
}
