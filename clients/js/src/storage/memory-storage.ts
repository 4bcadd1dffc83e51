/**
 * A storage in memory, for tests and for apps that accept losing queued events when the process ends. Passing
 * the same storage to a new client acts like a restart that kept its data.
 * @module
 */
import { type ClientStorage, EMPTY_STATE, type QueueRecord, type QueueState } from "./client-storage.js";

export interface MemoryStorage extends ClientStorage {
  /** The queued records, oldest first (for tests). */
  readonly records: readonly QueueRecord[];
}

export function memoryStorage(): MemoryStorage {
  let state: QueueState = { ...EMPTY_STATE };
  let records: QueueRecord[] = [];
  return {
    get records() {
      return records;
    },
    async readState() {
      return { ...state };
    },
    async append(added, next) {
      records = records.concat(added);
      state = { ...next };
    },
    async head(limit) {
      return records.slice(0, limit);
    },
    async commit(next) {
      state = { ...next };
      records = records.filter((record) => record.q > next.doneThrough);
    },
  };
}
