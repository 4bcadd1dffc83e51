/**
 * The opaque cursor of GET /v1/exports: base64url of the last key of the page. Opaque so clients never build
 * one; checked on the way back in, so a cursor that is not a key of the caller's is a clear 400.
 * @module
 */
import { base64UrlToBytes, bytesToBase64Url } from "../../core/foundation/base64.js";
import { CollectorError } from "../../core/foundation/errors.js";
import { formatOfTenantKey } from "./requested-key.js";

export function encodeCursor(lastKey: string): string {
  return bytesToBase64Url(new TextEncoder().encode(lastKey));
}

/** The key after which the next page starts. */
export function decodeCursor(cursor: string, tenant: string): string {
  const key = base64UrlToText(cursor);
  if (key === undefined || formatOfTenantKey(key, tenant) === undefined) {
    throw new CollectorError(
      "invalid_query",
      "cursor is not one this API returned; pass the cursor of the previous page as it is.",
    );
  }
  return key;
}

function base64UrlToText(cursor: string): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(base64UrlToBytes(cursor));
  } catch {
    return undefined;
  }
}
