/**
 * The session rule: events share a `sessionid` until the app has been idle for the configured time, and each
 * event takes the next `sequencenumber` of its session. The server derives an event's id from the session and
 * the sequence number, so a number used twice in one session would make the second event a "duplicate" and it
 * would be dropped: the state lives in the durable storage with the events, never only in memory.
 * @module
 */
import type { SessionState } from "./storage/client-storage.js";

/** A session id as the document asks: a GUID without hyphens (32 lowercase hexadecimal digits). */
export function newSessionId(): string {
  const cryptoApi = (globalThis as { crypto?: Crypto }).crypto;
  const bytes = new Uint8Array(16);
  if (cryptoApi?.getRandomValues) cryptoApi.getRandomValues(bytes);
  else for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(Math.random() * 256);
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The session the next event at `at` belongs to, with its sequence number taken. A clock that went backwards
 * keeps the session (it is not idle time).
 */
export function sessionForEvent(
  current: SessionState | undefined,
  at: number,
  idleMs: number,
  newId: () => string = newSessionId,
): SessionState {
  if (current === undefined || at - current.lastActivity > idleMs) {
    return { id: newId(), sequence: 1, lastActivity: at };
  }
  return { id: current.id, sequence: current.sequence + 1, lastActivity: Math.max(at, current.lastActivity) };
}
