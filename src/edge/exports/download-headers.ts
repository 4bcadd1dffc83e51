/**
 * Reads the request headers that shape a download: Range (one byte range; RFC 9110 lets a server ignore any
 * other form and send the whole file) and If-None-Match (the client already has this etag: answer 304).
 * @module
 */

export interface ByteRange {
  offset: number;
  length: number;
}

/** The single range `bytes=a-b`, `bytes=a-` or `bytes=-n` of a `size`-byte file; undefined = send it whole. */
export function parseByteRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, startText = "", endText = ""] = match;
  if (startText === "" && endText === "") return undefined;
  if (startText === "") {
    const suffix = Number(endText);
    if (suffix === 0) return "unsatisfiable";
    const offset = Math.max(0, size - suffix);
    return { offset, length: size - offset };
  }
  const start = Number(startText);
  const end = endText === "" ? size - 1 : Math.min(Number(endText), size - 1);
  if (endText !== "" && Number(endText) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

/** If-None-Match uses the weak comparison: `W/` and the quotes do not matter, `*` matches any file. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate
      .trim()
      .replace(/^W\//, "")
      .replace(/^"(.*)"$/, "$1");
    return tag === "*" || tag === etag;
  });
}
