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

/** The hash input: the namespace, then the name's UTF-8, written in place (most names are ASCII and short). */
const input = new Uint8Array(EVENT_ID_NAMESPACE.length + 512);
input.set(EVENT_ID_NAMESPACE, 0);

export function eventIdFor(identity: EventIdentity): string {
  // A JSON array keeps the parts apart: no tenant/user pair can run into another.
  const name = JSON.stringify([
    identity.tenant,
    identity.userid,
    identity.deviceid ?? null,
    identity.sessionid.toLowerCase(),
    identity.sequencenumber,
  ]);
  return uuidV5(nameInput(name));
}

/** The namespace and `name` as UTF-8: in the shared buffer when the name is ASCII and fits, else a new array. */
function nameInput(name: string): Uint8Array {
  const start = EVENT_ID_NAMESPACE.length;
  if (start + name.length <= input.length) {
    let index = 0;
    for (; index < name.length; index++) {
      const unit = name.charCodeAt(index);
      if (unit >= 0x80) break;
      input[start + index] = unit;
    }
    if (index === name.length) return input.subarray(0, start + index);
  }
  const bytes = encoder.encode(name);
  const whole = new Uint8Array(start + bytes.length);
  whole.set(EVENT_ID_NAMESPACE, 0);
  whole.set(bytes, start);
  return whole;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** The UUID of a SHA-1 name hash: version 5 and the RFC 9562 variant set in the first 16 bytes of the digest. */
function uuidV5(namespaceAndName: Uint8Array): string {
  const d = sha1(namespaceAndName);
  const h = HEX_BYTES;
  const version = h[(d[6]! & 0x0f) | 0x50]!;
  const variant = h[(d[8]! & 0x3f) | 0x80]!;
  return `${h[d[0]!]}${h[d[1]!]}${h[d[2]!]}${h[d[3]!]}-${h[d[4]!]}${h[d[5]!]}-${version}${h[d[7]!]}-${variant}${h[d[9]!]}-${h[d[10]!]}${h[d[11]!]}${h[d[12]!]}${h[d[13]!]}${h[d[14]!]}${h[d[15]!]}`;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}
