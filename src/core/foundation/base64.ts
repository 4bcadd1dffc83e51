/**
 * Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) of bytes, with the btoa/atob that Workers and Node
 * share: secrets sealed for D1, Azure's Shared Key and the exports cursor all encode bytes the same way here.
 * @module
 */

/** Bytes as padded standard base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Throws when the text is not base64. */
export function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** Bytes as unpadded base64url: safe in a URL's query without escaping. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Throws when the text is not unpadded base64url (so padding, `+` and `/` are refused, as is the empty text). */
export function base64UrlToBytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
  return base64ToBytes(text.replaceAll("-", "+").replaceAll("_", "/"));
}
