/**
 * Seals destination secrets (storage keys, SAS tokens) for D1 with AES-256-GCM under the Worker secret
 * DESTINATION_KEY. `boundTo` is the additional authenticated data: a sealed value opens only with the same
 * binding (destination-secret.ts binds it to the destination's id and to where its requests go).
 * Format: base64(iv[12] || ciphertext+tag).
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "../foundation/base64.js";

const IV_BYTES = 12;

export async function sealSecret(keyBytes: Uint8Array, plaintext: string, boundTo: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await importKey(keyBytes, "encrypt");
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(boundTo) },
    key,
    new TextEncoder().encode(plaintext),
  );
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv, 0);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return bytesToBase64(out);
}

/** Throws when the key is not the one that sealed it, or the value or its binding was changed. */
export async function openSecret(keyBytes: Uint8Array, sealed: string, boundTo: string): Promise<string> {
  const bytes = base64ToBytes(sealed);
  const key = await importKey(keyBytes, "decrypt");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: new TextEncoder().encode(boundTo) },
    key,
    bytes.slice(IV_BYTES),
  );
  return new TextDecoder().decode(plain);
}

function importKey(keyBytes: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", keyBytes, "AES-GCM", false, [usage]);
}
