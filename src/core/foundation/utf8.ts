/**
 * Counts (and cuts) the UTF-8 bytes of a string without encoding it: queue and request limits are in bytes.
 * @module
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every ASCII code unit, control characters included.
const NON_ASCII = /[^\x00-\x7f]/;

export function utf8ByteLength(text: string): number {
  // Most events are ASCII: one native regex scan instead of a JavaScript loop over every character.
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The longest prefix of `text` whose UTF-8 is at most `maxBytes` bytes, never cut inside a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length <= maxBytes && !NON_ASCII.test(text)) return text;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    const pair = unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1));
    const size = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) return text.slice(0, index);
    bytes += size;
    if (pair) index++;
  }
  return text;
}
