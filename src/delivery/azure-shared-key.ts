/**
 * Azure Storage's Shared Key authorisation, with crypto.subtle: the string-to-sign of the Blob service
 * (version 2015-02-21 and later) and the Authorization header it yields. See "Authorize with Shared Key".
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "../core/foundation/base64.js";

export interface SignableRequest {
  method: string;
  url: URL;
  /** Every header the request will carry, names in any case. */
  headers: Record<string, string>;
  contentLength: number;
}

const STANDARD_HEADERS = [
  "content-encoding",
  "content-language",
  "content-length",
  "content-md5",
  "content-type",
  "date",
  "if-modified-since",
  "if-match",
  "if-none-match",
  "if-unmodified-since",
  "range",
] as const;

export function sharedKeyStringToSign(request: SignableRequest, accountName: string): string {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value.trim()]),
  );
  const standard = STANDARD_HEADERS.map((name) => {
    // Since 2015-02-21 a zero Content-Length is signed as the empty string.
    if (name === "content-length") return request.contentLength === 0 ? "" : String(request.contentLength);
    return headers[name] ?? "";
  });
  const msHeaders = Object.keys(headers)
    .filter((name) => name.startsWith("x-ms-"))
    .sort()
    .map((name) => `${name}:${headers[name]}\n`)
    .join("");
  return `${request.method.toUpperCase()}\n${standard.join("\n")}\n${msHeaders}${canonicalizedResource(request.url, accountName)}`;
}

function canonicalizedResource(url: URL, accountName: string): string {
  const params = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const lower = name.toLowerCase();
    params.set(lower, [...(params.get(lower) ?? []), value]);
  }
  const lines = [...params.keys()].sort().map((name) => `\n${name}:${params.get(name)!.sort().join(",")}`);
  return `/${accountName}${url.pathname}${lines.join("")}`;
}

export async function sharedKeyAuthorization(
  request: SignableRequest,
  accountName: string,
  accountKey: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    base64ToBytes(accountKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(sharedKeyStringToSign(request, accountName)),
  );
  return `SharedKey ${accountName}:${bytesToBase64(new Uint8Array(signature))}`;
}
