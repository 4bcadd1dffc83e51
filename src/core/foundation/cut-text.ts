/**
 * Cuts text to a length without halving a character: wherever the collector shortens a device's text (a
 * dimension value, an error path or message), what it keeps stays well-formed UTF-16.
 * @module
 */

/** The longest prefix of `value` of at most `length` UTF-16 units that does not end inside a surrogate pair. */
export function cutToLength(value: string, length: number): string {
  if (value.length <= length) return value;
  const splitsPair = isHighSurrogate(value.charCodeAt(length - 1)) && isLowSurrogate(value.charCodeAt(length));
  return value.slice(0, splitsPair ? length - 1 : length);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
