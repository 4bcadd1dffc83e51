/**
 * A storage in the browser's localStorage (synchronous, about 5 MB per origin): one key per queued event and
 * one for the state. It reads the state from localStorage every time, so several tabs share it; the client
 * serialises them with Web Locks (`sharedName`). Prefer IndexedDB when it is there; keep `maxQueueEvents` low
 * enough for the quota here (a full quota makes `track` reject).
 * @module
 */
import { type ClientStorage, EMPTY_STATE, type QueueRecord, type QueueState } from "./client-storage.js";

/** The part of the Web Storage API the adapter uses. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface LocalStorageOptions {
  /** Prefix of every key; one queue per name. Default "audiogum". */
  name?: string;
  /** Default: globalThis.localStorage. */
  localStorage?: WebStorageLike;
}

export function localStorageStorage(options: LocalStorageOptions = {}): ClientStorage {
  const name = options.name ?? "audiogum";
  const store = options.localStorage ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
  if (!store) throw new Error("localStorageStorage: no localStorage here; pass options.localStorage");
  const stateKey = `${name}:state`;
  const recordKey = (q: number) => `${name}:event:${q}`;
  const readState = (): QueueState => {
    const text = store.getItem(stateKey);
    return text === null ? { ...EMPTY_STATE } : { ...EMPTY_STATE, ...(JSON.parse(text) as QueueState) };
  };
  return {
    sharedName: `audiogum-client:localStorage:${name}`,
    async readState() {
      return readState();
    },
    async append(records, state) {
      // Events first, then the state that counts them: a crash in between leaves keys past lastQ, which the
      // next append overwrites and nothing ever reads.
      for (const record of records) store.setItem(recordKey(record.q), record.json);
      store.setItem(stateKey, JSON.stringify(state));
    },
    async head(limit) {
      const state = readState();
      const records: QueueRecord[] = [];
      for (let q = state.doneThrough + 1; q <= state.lastQ && records.length < limit; q++) {
        const json = store.getItem(recordKey(q));
        if (json !== null) records.push({ q, json });
      }
      return records;
    },
    async commit(state) {
      const previous = readState();
      store.setItem(stateKey, JSON.stringify(state));
      for (let q = previous.doneThrough + 1; q <= state.doneThrough; q++) store.removeItem(recordKey(q));
    },
  };
}
