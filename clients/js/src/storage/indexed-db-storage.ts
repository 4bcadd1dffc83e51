/**
 * A storage in the browser's IndexedDB: a database per name with an object store of events keyed by their
 * queue position and one of the state. Each append or commit is one transaction over both (with "strict"
 * durability where the browser offers it), so events and the sequence numbers that name them land together.
 * Several tabs share it; the client serialises them with Web Locks (`sharedName`).
 * @module
 */
import { type ClientStorage, EMPTY_STATE, type QueueRecord, type QueueState } from "./client-storage.js";

export interface IndexedDbStorageOptions {
  /** The database's name; one queue per name. Default "audiogum". */
  name?: string;
  /** Default: globalThis.indexedDB. */
  indexedDB?: IDBFactory;
  /** Default: globalThis.IDBKeyRange (pass it with a non-global `indexedDB`). */
  IDBKeyRange?: typeof IDBKeyRange;
}

const RECORDS = "events";
const STATE = "state";
const STATE_KEY = "state";

export function indexedDbStorage(options: IndexedDbStorageOptions = {}): ClientStorage {
  const name = options.name ?? "audiogum";
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const keyRange = options.IDBKeyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
  if (!factory || !keyRange) throw new Error("indexedDbStorage: no IndexedDB here; pass options.indexedDB");
  let database: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    database ??= new Promise((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(RECORDS, { keyPath: "q" });
        request.result.createObjectStore(STATE);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return database;
  };
  const transaction = async <T>(
    mode: IDBTransactionMode,
    work: (records: IDBObjectStore, state: IDBObjectStore) => IDBRequest<T> | undefined,
  ): Promise<T | undefined> => {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction([RECORDS, STATE], mode, { durability: "strict" });
      const request = work(tx.objectStore(RECORDS), tx.objectStore(STATE));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  };
  return {
    sharedName: `audiogum-client:indexedDB:${name}`,
    async readState() {
      const state = await transaction(
        "readonly",
        (_, stateStore) => stateStore.get(STATE_KEY) as IDBRequest<QueueState>,
      );
      return { ...EMPTY_STATE, ...state };
    },
    async append(records, state) {
      await transaction("readwrite", (recordStore, stateStore) => {
        for (const record of records) recordStore.put(record);
        stateStore.put(state, STATE_KEY);
        return undefined;
      });
    },
    async head(limit) {
      const records = await transaction(
        "readonly",
        (recordStore) => recordStore.getAll(undefined, limit) as IDBRequest<QueueRecord[]>,
      );
      return records ?? [];
    },
    async commit(state) {
      await transaction("readwrite", (recordStore, stateStore) => {
        recordStore.delete(keyRange.upperBound(state.doneThrough));
        stateStore.put(state, STATE_KEY);
        return undefined;
      });
    },
  };
}
