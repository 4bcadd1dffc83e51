/**
 * The durable queue every storage adapter implements. The queue is a run of consecutive positions `q`: events
 * are appended at the end and only ever leave from the front (sent, rejected by the server, or dropped as the
 * oldest), so `doneThrough` (every `q` at or below it is gone) and `lastQ` describe it entirely. The session
 * and its sequence number are stored with it, so a restart neither loses an event nor reuses a number.
 * @module
 */

export interface SessionState {
  /** The current `sessionid`. */
  id: string;
  /** The last `sequencenumber` given out in this session. */
  sequence: number;
  /** When the last event was tracked (ms since the epoch): the idle time is measured from here. */
  lastActivity: number;
}

export interface QueueState {
  /** The position of the newest event ever queued (0 before the first). */
  lastQ: number;
  /** Every event at or below this position has left the queue. */
  doneThrough: number;
  session: SessionState | undefined;
  /** Not before this time (ms since the epoch) may the next request go out: a backoff that outlives a restart. */
  retryAt: number;
}

export interface QueueRecord {
  q: number;
  /** The complete event as JSON, exactly as it is sent. */
  json: string;
}

export interface ClientStorage {
  /** The state as last appended or committed. */
  readState(): Promise<QueueState>;
  /**
   * Persists the records (positions `state.lastQ - records.length + 1` through `state.lastQ`) and the state that
   * numbered them. When the promise resolves they must survive the app being killed.
   */
  append(records: readonly QueueRecord[], state: QueueState): Promise<void>;
  /** The oldest queued records (position above `doneThrough`), at most `limit`, oldest first. */
  head(limit: number): Promise<QueueRecord[]>;
  /** Persists a state whose `doneThrough` or `retryAt` moved, forgetting the records at or below `doneThrough`. */
  commit(state: QueueState): Promise<void>;
  /**
   * Set by storages that several tabs of one browser share (IndexedDB, localStorage): the client then takes
   * Web Locks of this name around every change and every request, so tabs share one session and one request
   * in flight. Storages owned by one process (file, memory) leave it unset.
   */
  readonly sharedName?: string;
}

export const EMPTY_STATE: QueueState = { lastQ: 0, doneThrough: 0, session: undefined, retryAt: 0 };

/** How many events are queued. */
export function queuedCount(state: QueueState): number {
  return state.lastQ - state.doneThrough;
}
