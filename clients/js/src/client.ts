/**
 * createClient: the sending side of the collector's contract. `track` stamps the session, sequence number and
 * local time and returns once the event is in durable storage; a single sender per device takes batches from
 * the front of the queue and applies the contract's rules to each answer (see post-batch.ts for what each
 * status means and README.md for the whole list). Events leave storage only when the server has answered for
 * them (accepted or rejected) or when the client drops them for a reason it reports.
 * @module
 */
import { type BatchLimits, encodeBatch, SERVER_LIMITS } from "./batch.js";
import { type Clock, localIsoTime, systemClock } from "./clock.js";
import { type AudiogumEvent, type Connection, type DeviceInfo, EVENT_TYPES, type TrackEvent } from "./events.js";
import { exclusiveSection } from "./exclusive.js";
import { canGzip } from "./gzip.js";
import { currentPage, KEEPALIVE_MAX_BYTES, type PageLike, watchPage } from "./page-lifecycle.js";
import { type FieldError, type PostOutcome, postBatch } from "./post-batch.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from "./retry-delay.js";
import { sessionForEvent } from "./session.js";
import { type ClientStorage, type QueueRecord, type QueueState, queuedCount } from "./storage/client-storage.js";

export interface ClientOptions {
  /** The collector, e.g. "https://collector.example.com"; events go to its /v1/events. */
  url: string | URL;
  /** A bearer token (JWT with scope events:write). Give this or `getToken`. */
  token?: string;
  /** Called for the first request and once again after a 401; may return a promise. */
  getToken?: (context: { reason: "initial" | "unauthorized" }) => string | Promise<string>;
  /** Where queued events and the session live: memoryStorage, localStorageStorage, indexedDbStorage, fileStorage. */
  storage: ClientStorage;
  /** The device fields every event carries. */
  device: DeviceInfo;
  /** The network now, or a function that tells it; default "wan". An event's own `connection` wins. */
  connection?: Connection | (() => Connection);
  /** Two-letter country, when known. */
  countrycode?: string;
  /** Idle time after which the next event starts a new session (ms). Default 30 minutes. */
  sessionIdleMs?: number;
  /** Send as soon as this many events are queued. Default 50. */
  flushAt?: number;
  /** Otherwise send this long after the first event queued (ms). Default 10,000. */
  flushIntervalMs?: number;
  /** Events per request, at most the collector's MAX_EVENTS_PER_REQUEST. Default 2,000. */
  maxBatchEvents?: number;
  /** JSON bytes per request, at most the collector's MAX_DECODED_BYTES. Default 4 MiB. */
  maxBatchBytes?: number;
  /** Bytes on the wire per request (gzipped), at most the collector's MAX_WIRE_BYTES. Default 1 MiB. */
  maxWireBytes?: number;
  /** Queued events kept at most; past it the oldest are dropped (and reported). Default 10,000. */
  maxQueueEvents?: number;
  /** Gzip request bodies. Default: wherever CompressionStream exists. */
  gzip?: boolean;
  /** Send `sentat` (the device clock when the request leaves) so the collector can correct clock error. Default true. */
  sendSentAt?: boolean;
  retry?: Partial<RetryPolicy>;
  /** A request without an answer after this long is abandoned and retried (ms). Default 30,000. */
  requestTimeoutMs?: number;
  /** Events the server refused (a 202's rejections, or a 400 no_valid_events): they are not sent again. */
  onRejected?: (rejected: RejectedEvent[]) => void;
  /** Events the client gave up on without the server judging each one. */
  onDropped?: (events: AudiogumEvent[], reason: DropReason) => void;
  /** A request failed and will be retried after `delayMs`. */
  onRetry?: (retry: RetryInfo) => void;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** The page to watch for hiding (browsers); false to not watch. Default: the current page, if any. */
  page?: PageLike | false;
  /** Time and timers; tests pass one that does not wait. */
  clock?: Clock;
  /** Default Math.random (the retry jitter). */
  random?: () => number;
}

export interface RejectedEvent {
  event: AudiogumEvent;
  errors: FieldError[];
}

/**
 * queue_full: the oldest events, past maxQueueEvents. too_large: one event alone is over the request limits
 * (413). malformed_request: the server called the request itself malformed (400 invalid_json, invalid_envelope,
 * unsupported_schema_version, invalid_body_encoding), which resending cannot fix.
 */
export type DropReason = "queue_full" | "too_large" | "malformed_request";

export interface RetryInfo {
  /** Failures in a row so far. */
  attempt: number;
  delayMs: number;
  /** The HTTP status, absent for a network error or timeout. */
  status?: number;
  /** The collector's error code, or "network_error", "timeout", "token_unavailable". */
  code?: string;
}

export interface AudiogumClient {
  /** Queues the event; resolves once it is in durable storage. */
  track(event: TrackEvent): Promise<void>;
  /**
   * Sends now (unless a retry is being waited out) and resolves once every event tracked before the call has
   * left the queue: accepted, rejected or dropped. While the collector is unreachable it waits.
   */
  flush(): Promise<void>;
  /** Starts a new session with the next event. */
  newSession(): Promise<void>;
  /** How many events are queued. */
  queued(): Promise<number>;
  /** Stops sending (after the request in flight, if any) and stops watching the page; events stay queued. */
  close(): Promise<void>;
}

interface PendingTrack {
  partial: string;
  localtime: string | undefined;
  at: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface FlushWaiter {
  through: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const STAMPED_FIELDS = ["sessionid", "sequencenumber", "localtime"] as const;

export function createClient(options: ClientOptions): AudiogumClient {
  if (options.token === undefined && options.getToken === undefined) {
    throw new TypeError("createClient: give token or getToken");
  }
  const storage = options.storage;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = eventsUrl(options.url);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const flushAt = options.flushAt ?? 50;
  const flushIntervalMs = options.flushIntervalMs ?? 10_000;
  const maxQueueEvents = options.maxQueueEvents ?? 10_000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const sendSentAt = options.sendSentAt ?? true;
  let gzip = options.gzip ?? canGzip();
  /** The limits in force: the options', lowered by what a 413 taught. */
  let limits: BatchLimits = {
    maxEvents: Math.min(options.maxBatchEvents ?? SERVER_LIMITS.maxEvents, SERVER_LIMITS.maxEvents),
    maxBytes: options.maxBatchBytes ?? SERVER_LIMITS.maxBytes,
    maxWireBytes: options.maxWireBytes ?? SERVER_LIMITS.maxWireBytes,
  };

  const stateSection = exclusiveSection(storage.sharedName, "state");
  const sendSection = exclusiveSection(storage.sharedName, "send");

  let pending: PendingTrack[] = [];
  let writing: Promise<void> | undefined;
  let flushWaiters: FlushWaiter[] = [];
  let timer: { handle: unknown; due: number } | undefined;
  let draining: Promise<void> | undefined;
  let drainAgain = false;
  let failures = 0;
  let token: string | undefined = options.token;
  let tokenRefreshed = false;
  let hidden = false;
  let closed = false;

  const page = options.page === false ? undefined : (options.page ?? currentPage());
  const stopWatching = page
    ? watchPage(
        page,
        () => {
          hidden = true;
          schedule(0);
        },
        () => {
          hidden = false;
        },
      )
    : undefined;

  // Whatever an earlier run left queued goes out as soon as the client starts.
  schedule(0);

  function track(event: TrackEvent): Promise<void> {
    if (closed) return Promise.reject(new Error("track: the client is closed"));
    if (typeof event !== "object" || event === null || !(EVENT_TYPES as readonly string[]).includes(event.type)) {
      return Promise.reject(new TypeError(`track: type must be one of ${EVENT_TYPES.join(", ")}`));
    }
    let partial: string;
    let localtime: string | undefined;
    try {
      // `type` first, for whoever reads an export line; the event's own fields win over the client's.
      const complete: Record<string, unknown> = Object.assign(
        { type: event.type },
        options.device,
        { connection: typeof options.connection === "function" ? options.connection() : (options.connection ?? "wan") },
        options.countrycode === undefined ? {} : { countrycode: options.countrycode },
        event,
      );
      localtime = typeof complete.localtime === "string" ? complete.localtime : undefined;
      for (const field of STAMPED_FIELDS) delete complete[field];
      partial = JSON.stringify(complete);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      pending.push({ partial, localtime, at: clock.now(), resolve, reject });
      writing ??= writePending();
    });
  }

  /** Writes every pending track in one append (group commit), numbering them in the stored session. */
  async function writePending(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        const state = await stateSection(async () => {
          const current = await storage.readState();
          let session = current.session;
          let lastQ = current.lastQ;
          const records: QueueRecord[] = batch.map((entry) => {
            session = sessionForEvent(session, entry.at, idleMs);
            const stamps = `"sessionid":"${session.id}","sequencenumber":${session.sequence},"localtime":${JSON.stringify(entry.localtime ?? localIsoTime(entry.at))}`;
            const separator = entry.partial === "{}" ? "" : ",";
            return { q: ++lastQ, json: `${entry.partial.slice(0, -1)}${separator}${stamps}}` };
          });
          const next: QueueState = { ...current, lastQ, session };
          await storage.append(records, next);
          return next;
        });
        for (const entry of batch) entry.resolve();
        afterAppend(state);
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    writing = undefined;
  }

  function afterAppend(state: QueueState): void {
    const count = queuedCount(state);
    if (count > maxQueueEvents) void sendSection(dropOverflow).catch(() => undefined);
    if (count >= flushAt || hidden) schedule(0);
    else if (timer === undefined) schedule(flushIntervalMs);
  }

  /** Runs the sender after `delayMs`, unless it is due sooner already. */
  function schedule(delayMs: number): void {
    if (closed) return;
    const due = clock.now() + delayMs;
    if (timer !== undefined && timer.due <= due) return;
    if (timer !== undefined) clock.clearTimeout(timer.handle);
    const handle = clock.setTimeout(() => {
      timer = undefined;
      void drain();
    }, delayMs);
    // In Node a timer keeps the process alive. Only a flush() waiting on it should: otherwise the process may
    // end, the events are stored and go out at the next start.
    if (flushWaiters.length === 0) (handle as { unref?: () => void }).unref?.();
    timer = { handle, due };
  }

  /** The single sender: one request at a time until the queue is empty or a retry must be waited out. */
  function drain(): Promise<void> {
    if (draining) {
      drainAgain = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          drainAgain = false;
          while (!closed && (await sendSection(sendNext)) === "continue") {}
        } while (drainAgain && !closed);
      } catch (error) {
        // Storage failed: try again later rather than lose the sender.
        reportRetry({ attempt: ++failures, delayMs: policy.maxDelayMs, code: `storage_error: ${String(error)}` });
        schedule(policy.maxDelayMs);
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  async function sendNext(): Promise<"continue" | "idle"> {
    await dropOverflow();
    const state = await storage.readState();
    settleFlushWaiters(state);
    if (queuedCount(state) === 0) return "idle";
    const now = clock.now();
    // A retry time further off than any delay the client gives is from a clock that jumped: not waited for.
    if (state.retryAt > now && state.retryAt - now <= Math.max(policy.maxDelayMs, policy.maxRetryAfterMs)) {
      schedule(state.retryAt - now);
      return "idle";
    }
    const head = await storage.head(limits.maxEvents);
    if (head.length === 0) {
      // The state counts events the storage no longer has (cleared by the user or the browser): nothing to send.
      await leaveQueue(state.lastQ);
      return "continue";
    }
    const wireCap = hidden ? Math.min(limits.maxWireBytes, KEEPALIVE_MAX_BYTES) : limits.maxWireBytes;
    const batch = await encodeBatch(
      head,
      { ...limits, maxWireBytes: wireCap },
      { gzip, sentAt: () => (sendSentAt ? localIsoTime(clock.now()) : undefined) },
    );
    let outcome: PostOutcome;
    try {
      token ??= await options.getToken?.({ reason: "initial" });
      outcome = await postBatch(batch, {
        fetch: fetchFn,
        url,
        token,
        keepalive: hidden && batch.wireBytes <= KEEPALIVE_MAX_BYTES,
        timeoutMs,
        now: clock.now,
      });
    } catch {
      outcome = { kind: "retry", status: undefined, code: "token_unavailable", retryAfterMs: undefined };
    }
    return handleOutcome(outcome, batch.records);
  }

  async function handleOutcome(outcome: PostOutcome, records: QueueRecord[]): Promise<"continue" | "idle"> {
    const last = records[records.length - 1]!.q;
    switch (outcome.kind) {
      case "accepted":
      case "all_rejected": {
        await leaveQueue(last);
        failures = 0;
        tokenRefreshed = false;
        if (outcome.rejected.length > 0 && options.onRejected) {
          const rejected = outcome.rejected
            .filter((rejection) => records[rejection.index] !== undefined)
            .map((rejection) => ({ event: parse(records[rejection.index]!), errors: rejection.errors }));
          callSafely(() => options.onRejected?.(rejected));
        }
        return "continue";
      }
      case "too_large": {
        if (records.length === 1) {
          await leaveQueue(last);
          reportDropped(records, "too_large");
          return "continue";
        }
        // Split: half as many events at most, and whatever limits the collector named.
        limits = {
          maxEvents: Math.max(1, Math.min(outcome.limits.maxEvents ?? Infinity, Math.floor(records.length / 2))),
          maxBytes: Math.min(limits.maxBytes, outcome.limits.maxBytes ?? Infinity),
          maxWireBytes: Math.min(limits.maxWireBytes, outcome.limits.maxWireBytes ?? Infinity),
        };
        return "continue";
      }
      case "unauthorized": {
        if (options.getToken && !tokenRefreshed) {
          tokenRefreshed = true;
          try {
            token = await options.getToken({ reason: "unauthorized" });
            return "continue";
          } catch {
            token = undefined;
          }
        }
        return retryLater(401, "unauthorized", undefined);
      }
      case "gzip_refused":
        gzip = false;
        return "continue";
      case "malformed":
        await leaveQueue(last);
        reportDropped(records, "malformed_request");
        return "continue";
      case "retry":
        return retryLater(outcome.status, outcome.code, outcome.retryAfterMs);
    }
  }

  async function retryLater(
    status: number | undefined,
    code: string | undefined,
    retryAfterMs: number | undefined,
  ): Promise<"idle"> {
    failures++;
    tokenRefreshed = false;
    const delayMs = retryDelay(failures, retryAfterMs, policy, random);
    const retryAt = clock.now() + delayMs;
    await stateSection(async () => storage.commit({ ...(await storage.readState()), retryAt }));
    reportRetry({ attempt: failures, delayMs, ...(status === undefined ? {} : { status }), ...(code ? { code } : {}) });
    schedule(delayMs);
    return "idle";
  }

  /** The events through position `q` have left the queue. */
  async function leaveQueue(q: number): Promise<void> {
    const state = await stateSection(async () => {
      const current = await storage.readState();
      const next = { ...current, doneThrough: Math.max(current.doneThrough, q), retryAt: 0 };
      await storage.commit(next);
      return next;
    });
    settleFlushWaiters(state);
  }

  /** Drops the oldest events past maxQueueEvents; called with the send section held (nothing in flight). */
  async function dropOverflow(): Promise<void> {
    const dropped = await stateSection(async () => {
      const current = await storage.readState();
      const excess = queuedCount(current) - maxQueueEvents;
      if (excess <= 0) return [];
      const oldest = await storage.head(excess);
      await storage.commit({ ...current, doneThrough: current.doneThrough + excess });
      return oldest;
    });
    if (dropped.length > 0) reportDropped(dropped, "queue_full");
  }

  function settleFlushWaiters(state: QueueState): void {
    const settled = flushWaiters.filter((waiter) => waiter.through <= state.doneThrough);
    if (settled.length === 0) return;
    flushWaiters = flushWaiters.filter((waiter) => waiter.through > state.doneThrough);
    for (const waiter of settled) waiter.resolve();
  }

  function reportDropped(records: readonly QueueRecord[], reason: DropReason): void {
    if (options.onDropped) callSafely(() => options.onDropped?.(records.map(parse), reason));
  }

  function reportRetry(info: RetryInfo): void {
    if (options.onRetry) callSafely(() => options.onRetry?.(info));
  }

  async function flush(): Promise<void> {
    if (closed) throw new Error("flush: the client is closed");
    while (writing) await writing;
    const { lastQ } = await storage.readState();
    const done = new Promise<void>((resolve, reject) => flushWaiters.push({ through: lastQ, resolve, reject }));
    if (timer !== undefined) (timer.handle as { ref?: () => void }).ref?.();
    schedule(0);
    await drain();
    return done;
  }

  async function newSession(): Promise<void> {
    while (writing) await writing;
    await stateSection(async () => storage.commit({ ...(await storage.readState()), session: undefined }));
  }

  async function queued(): Promise<number> {
    while (writing) await writing;
    return queuedCount(await storage.readState());
  }

  async function close(): Promise<void> {
    if (closed) return;
    while (writing) await writing;
    closed = true;
    stopWatching?.();
    if (timer !== undefined) clock.clearTimeout(timer.handle);
    timer = undefined;
    await draining;
    const waiting = flushWaiters;
    flushWaiters = [];
    for (const waiter of waiting) waiter.reject(new Error("flush: the client was closed first"));
  }

  return { track, flush, newSession, queued, close };
}

/** The collector's events route under `url` (a base URL, or the route itself). */
function eventsUrl(url: string | URL): string {
  const parsed = new URL(String(url));
  if (!parsed.pathname.endsWith("/v1/events")) {
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, "")}/v1/events`;
  }
  return parsed.toString();
}

function parse(record: QueueRecord): AudiogumEvent {
  return JSON.parse(record.json) as AudiogumEvent;
}

/** An app's callback that throws must not stop the sender. */
function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // The app's own error; the queue is already settled.
  }
}
