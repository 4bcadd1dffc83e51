/**
 * Deterministic event ids: a UUID (version 5, SHA-1) of the fields that identify an event in its session, so a
 * device that re-sends the same events after a timeout gets the same ids and the export drops the copies.
 * The hash is the synchronous sha1.ts: one crypto.subtle.digest per event cost more than the rest of enrichment.
 * @module
 */
import { sha1 } from "./sha1.js";

/** The collector's own UUID namespace; changing it would change every event id. */
const EVENT_ID_NAMESPACE = hexToBytes("7d0c6a1e9b3f4e2a8c5d1f0e6b4a3c29");

export interface EventIdentity {
  tenant: string;
  userid: string;
  deviceid: string | undefined;
  sessionid: string;
  sequencenumber: number;
}

const encoder = new TextEncoder();

export function eventIdFor(identity: EventIdentity): string {
  // A JSON array keeps the parts apart: no tenant/user pair can run into another.
  const name = JSON.stringify([
    identity.tenant,
    identity.userid,
    identity.deviceid ?? null,
    identity.sessionid.toLowerCase(),
    identity.sequencenumber,
  ]);
  return uuidV5(EVENT_ID_NAMESPACE, encoder.encode(name));
}

function uuidV5(namespace: Uint8Array, name: Uint8Array): string {
  const input = new Uint8Array(namespace.length + name.length);
  input.set(namespace, 0);
  input.set(name, namespace.length);
  const bytes = sha1(input).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function formatUuid(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += HEX_BYTES[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}
