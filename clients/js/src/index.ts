/**
 * @audiogum/client: the reference device client of the Audiogum event collector, for browsers, React Native,
 * Node and Deno, with no dependency beyond the platform's fetch (and CompressionStream where there is one).
 * The file storage for Node is in "@audiogum/client/node", so browser bundles never see node: imports.
 * @module
 */
export {
  type AudiogumClient,
  type ClientOptions,
  createClient,
  type DropReason,
  type RejectedEvent,
  type RetryInfo,
} from "./client.js";
export type { Clock } from "./clock.js";
export type * from "./events.js";
export { EVENT_TYPES } from "./events.js";
export type { PageLike } from "./page-lifecycle.js";
export type { FieldError } from "./post-batch.js";
export type { RetryPolicy } from "./retry-delay.js";
export type { ClientStorage, QueueRecord, QueueState, SessionState } from "./storage/client-storage.js";
export { type IndexedDbStorageOptions, indexedDbStorage } from "./storage/indexed-db-storage.js";
export { type LocalStorageOptions, localStorageStorage, type WebStorageLike } from "./storage/local-storage.js";
export { type MemoryStorage, memoryStorage } from "./storage/memory-storage.js";
