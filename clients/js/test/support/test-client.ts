/**
 * What the client's unit tests share: a clock whose timers fire at once while its time moves on by their delay
 * (so a test sees a 60 s Retry-After honoured without waiting for it), the device fields, and a client wired to
 * a fake collector that records what the callbacks reported.
 * @module
 */
import { afterEach } from "vitest";
import {
  type AudiogumClient,
  type ClientOptions,
  createClient,
  type DropReason,
  type RetryInfo,
} from "../../src/client.js";
import type { Clock } from "../../src/clock.js";
import type { AudiogumEvent, TrackEvent } from "../../src/events.js";
import { memoryStorage } from "../../src/storage/memory-storage.js";
import type { RejectedEvent } from "../../src/client.js";
import { type FakeCollector, startFakeCollector } from "./fake-collector.js";

export interface FastClock extends Clock {
  /** Every delay a timer was set for, in order. */
  delays: number[];
  /** Moves time on without a timer (an idle app). */
  advance(ms: number): void;
}

export function fastClock(start = Date.now()): FastClock {
  let offset = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => start + offset,
    advance: (ms) => {
      offset += ms;
    },
    setTimeout: (callback, ms) => {
      delays.push(ms);
      return setTimeout(() => {
        offset += ms;
        callback();
      }, 0);
    },
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

export const DEVICE = {
  client: "client unit tests",
  clientversion: "1.0.0",
  platform: "node",
  platformversion: "20",
  devicename: "test bench",
  devicemanufacturer: "audiogum",
} as const;

export interface Harness {
  fake: FakeCollector;
  client: AudiogumClient;
  clock: FastClock;
  rejected: RejectedEvent[];
  dropped: Array<{ events: AudiogumEvent[]; reason: DropReason }>;
  retries: RetryInfo[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client against a fresh fake collector; `options` override the defaults (memory storage, a fast clock). */
export async function harness(options: Partial<ClientOptions> = {}, fake?: FakeCollector): Promise<Harness> {
  const collector = fake ?? (await startFakeCollector());
  if (!fake) cleanups.push(() => collector.close());
  const clock = (options.clock as FastClock | undefined) ?? fastClock();
  const result: Harness = {
    fake: collector,
    client: undefined as never,
    clock,
    rejected: [],
    dropped: [],
    retries: [],
  };
  result.client = createClient({
    url: collector.url,
    token: "test-token",
    storage: memoryStorage(),
    device: DEVICE,
    flushAt: 1_000_000,
    flushIntervalMs: 60_000,
    random: () => 0.5,
    page: false,
    onRejected: (rejected) => result.rejected.push(...rejected),
    onDropped: (events, reason) => result.dropped.push({ events, reason }),
    onRetry: (retry) => result.retries.push(retry),
    ...options,
    clock,
  });
  cleanups.push(() => result.client.close());
  return result;
}

/** A navigation event whose target page names it, so a test can follow each one. */
export function navigation(index: number): TrackEvent {
  return { type: "navigationevent", targetpage: `page-${index}` };
}

export async function trackAll(client: AudiogumClient, count: number, from = 0): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, index) => client.track(navigation(from + index))));
}

export function targetPages(events: ReadonlyArray<object>): string[] {
  return events.map((event) => String((event as { targetpage?: string }).targetpage));
}

export function pages(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `page-${from + index}`);
}
