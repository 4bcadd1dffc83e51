/**
 * IP address text, read strictly and written in one canonical form: IPv4 as four decimal octets, IPv6 as eight
 * 16-bit words (with `::`, an embedded dotted IPv4 tail and either case of hex accepted) and written back as
 * RFC 5952 says (lower case, no leading zeros, the longest run of two or more zero words as `::`). Shared by
 * what checks where delivery may send (delivery/destination-endpoint.ts) and what truncates client addresses
 * (privacy/client-ip.ts), so both read an address the same way.
 * @module
 */

/** Four octets of a dotted-quad IPv4 address (each 0-255, 1 to 3 digits), or undefined. */
export function parseIpv4(text: string): number[] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** Eight 16-bit words of an IPv6 address (no brackets, no zone), or undefined. */
export function parseIpv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = ipv6Words(halves[0]!, halves.length === 1);
  const rest = halves.length === 2 ? ipv6Words(halves[1]!, true) : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
}

/** The words of one side of `::`; the last side may end in a dotted IPv4 address (two words). */
function ipv6Words(part: string, mayEndInIpv4: boolean): number[] | undefined {
  if (part === "") return [];
  const groups = part.split(":");
  const words: number[] = [];
  for (const [index, group] of groups.entries()) {
    if (/^[0-9a-f]{1,4}$/i.test(group)) words.push(parseInt(group, 16));
    else if (mayEndInIpv4 && index === groups.length - 1 && parseIpv4(group)) {
      const [a, b, c, d] = parseIpv4(group)!;
      words.push((a! << 8) | b!, (c! << 8) | d!);
    } else return undefined;
  }
  return words;
}

export function formatIpv4(octets: readonly number[]): string {
  return octets.join(".");
}

/** RFC 5952 text of eight words, e.g. `2001:db8:1::`, `::1`, `2001::1:0:0:1:1` (the first of equally long runs). */
export function formatIpv6(words: readonly number[]): string {
  let runStart = -1;
  let runLength = 0;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && words[start + length] === 0) length++;
    if (length > runLength) [runStart, runLength] = [start, length];
    start += length;
  }
  const hex = (from: number, to: number) =>
    words
      .slice(from, to)
      .map((word) => word.toString(16))
      .join(":");
  if (runLength < 2) return hex(0, 8);
  return `${hex(0, runStart)}::${hex(runStart + runLength, 8)}`;
}
