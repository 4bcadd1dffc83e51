// Deterministic event ids: a UUID (version 5, SHA-1) of the fields that identify an event in its session, so a
// device that re-sends the same events after a timeout gets the same ids and the export drops the copies.

/** The collector's own UUID namespace; changing it would change every event id. */
const EVENT_ID_NAMESPACE = hexToBytes("7d0c6a1e9b3f4e2a8c5d1f0e6b4a3c29");

export interface EventIdentity {
  tenant: string;
  userid: string;
  deviceid: string | undefined;
  sessionid: string;
  sequencenumber: number;
}

export async function eventIdFor(identity: EventIdentity): Promise<string> {
  // A JSON array keeps the parts apart: no tenant/user pair can run into another.
  const name = JSON.stringify([
    identity.tenant,
    identity.userid,
    identity.deviceid ?? null,
    identity.sessionid.toLowerCase(),
    identity.sequencenumber,
  ]);
  return uuidV5(EVENT_ID_NAMESPACE, new TextEncoder().encode(name));
}

async function uuidV5(namespace: Uint8Array, name: Uint8Array): Promise<string> {
  const input = new Uint8Array(namespace.length + name.length);
  input.set(namespace, 0);
  input.set(name, namespace.length);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", input));
  const bytes = hash.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}
