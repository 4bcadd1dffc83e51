/**
 * Aggregates the events of one export file into rollup increments, in memory, so a shard gets one row per
 * (axis, grain, bucket) however many events there are. Two time axes a summary can count by, both UTC days:
 * received (receivedat, the collector's clock; also minutes, for the realtime view) and event (eventtime: when
 * the event happened, the device's clock corrected; receivedat for events queued before eventtime existed).
 *
 * Most events happen on the day they are received, so the rows are kept such that an on-time file costs little
 * (a received minute): the received rows hold the day's on-time events, which count the same on both axes; a late
 * event (one that happened on an earlier day) is added twice instead, to the received_late rows of the minute and
 * the day received and an event_late row of the day it happened. A summary by received time reads received +
 * received_late, by event time received + event_late; the realtime view reads the minutes of received +
 * received_late. The late rows are bounded: a file counts its events on at most MAX_EVENT_DAYS_PER_FILE days by
 * event time (see eventDays).
 *
 * So on the received and received_late axes a day's increment is the sum of its minutes' (counts added, sketches
 * merged) whenever none of its minutes was left out as past retention: the ledger shard keeps a day's minute rows
 * and adds them up into the day's row once the day is old (src/ledger/shard-rollups.ts), writing no day row per
 * file.
 * @module
 */
import { addToSketch, emptySketch, encodeSketch, type Sketch } from "./hyperloglog.js";
import { insightFactsOf, type DistinctKind, type InsightFacts } from "./insight-dimensions.js";

export const ROLLUP_GRAINS = ["minute", "day"] as const;
export type RollupGrain = (typeof ROLLUP_GRAINS)[number];

/** The time axes a summary can count by (`?time=`): when the collector received an event, or when it happened. */
export const ROLLUP_AXES = ["received", "event"] as const;
export type RollupAxis = (typeof ROLLUP_AXES)[number];

/**
 * The axes of the stored rows (the shard's rollups.axis): the received minutes and days of on-time events, those of
 * late events, and the days late events happened.
 */
export type StoredRollupAxis = "received" | "received_late" | "event_late";

/** The stored rows that add up to each summary axis. */
export const STORED_AXES_OF: Record<RollupAxis, readonly [StoredRollupAxis, StoredRollupAxis]> = {
  received: ["received", "received_late"],
  event: ["received", "event_late"],
};

/**
 * A file's events count on at most this many days by event time. When they happened on more days, the days the
 * file's events were received on and then its busiest earlier days (the later one on a tie) are kept, and the
 * events of the days left over count on the day they were received, as an event with an implausible device
 * time does. So a file writes at most this many event_late rows less one (per received day).
 */
export const MAX_EVENT_DAYS_PER_FILE = 4;

/** How long each grain's rows are kept; the cron prunes older ones. */
export const ROLLUP_RETENTION_MS: Record<RollupGrain, number> = {
  minute: 24 * 60 * 60 * 1000,
  day: 400 * 24 * 60 * 60 * 1000,
};

export interface CountIncrement {
  grain: RollupGrain;
  bucket: string;
  /** A dimension of the summaries or the quality counts (insight-dimensions.ts, src/core/quality/). */
  dimension: string;
  value: string;
  count: number;
}

export interface SketchUpdate {
  grain: RollupGrain;
  bucket: string;
  kind: DistinctKind;
  /** encodeSketch text */
  registers: string;
}

export interface RollupIncrements {
  counts: CountIncrement[];
  sketches: SketchUpdate[];
}

/** A file's increments for each stored axis. */
export type FileRollups = Record<StoredRollupAxis, RollupIncrements>;

/** 'yyyy-mm-ddTHH:MM' for a minute, 'yyyy-mm-dd' for a day: prefixes of an ISO-8601 UTC instant. */
export function bucketOf(grain: RollupGrain, instant: string): string {
  return grain === "minute" ? instant.slice(0, 16) : instant.slice(0, 10);
}

/**
 * The increments for `events` on each stored axis. Minute buckets already past their retention at `now` (a late
 * retry) are left out: the cron would delete them at once.
 */
export function rollUpEvents(events: readonly unknown[], now: Date): FileRollups {
  const facts = events.map(insightFactsOf);
  const [received, receivedLate, eventLate] = [new IncrementTally(), new IncrementTally(), new IncrementTally()];
  const oldestMinute = bucketOf("minute", new Date(now.getTime() - ROLLUP_RETENTION_MS.minute).toISOString());
  const days = eventDays(facts);
  facts.forEach((fact, index) => {
    const minute = bucketOf("minute", fact.receivedat);
    const receivedDay = bucketOf("day", fact.receivedat);
    const eventDay = days[index]!;
    const onTime = eventDay === receivedDay;
    const byReceived = onTime ? received : receivedLate;
    if (minute >= oldestMinute) byReceived.add("minute", minute, fact);
    byReceived.add("day", receivedDay, fact);
    if (!onTime) eventLate.add("day", eventDay, fact);
  });
  return {
    received: received.increments(),
    received_late: receivedLate.increments(),
    event_late: eventLate.increments(),
  };
}

/**
 * The event-axis day of each event: its eventtime's day when that day is kept (see MAX_EVENT_DAYS_PER_FILE),
 * else its received day.
 */
export function eventDays(facts: readonly InsightFacts[]): string[] {
  const receivedDays = facts.map((fact) => bucketOf("day", fact.receivedat));
  const happenedDays = facts.map((fact) => bucketOf("day", fact.eventtime));
  const kept = new Set(receivedDays);
  const others = new Map<string, number>();
  for (const day of happenedDays) if (!kept.has(day)) others.set(day, (others.get(day) ?? 0) + 1);
  const busiestFirst = [...others].sort(([dayA, countA], [dayB, countB]) =>
    countA === countB ? (dayA < dayB ? 1 : -1) : countB - countA,
  );
  for (const [day] of busiestFirst) {
    if (kept.size >= MAX_EVENT_DAYS_PER_FILE) break;
    kept.add(day);
  }
  return happenedDays.map((day, index) => (kept.has(day) ? day : receivedDays[index]!));
}

/** Counts and sketches of one axis, keyed by grain, bucket and dimension value. */
class IncrementTally {
  private readonly counts = new Map<string, CountIncrement>();
  private readonly sketches = new Map<string, { update: Omit<SketchUpdate, "registers">; sketch: Sketch }>();

  add(grain: RollupGrain, bucket: string, facts: InsightFacts): void {
    for (const [dimension, value] of facts.values) {
      const key = JSON.stringify([grain, bucket, dimension, value]);
      const increment = this.counts.get(key);
      if (increment) increment.count++;
      else this.counts.set(key, { grain, bucket, dimension, value, count: 1 });
    }
    for (const [kind, id] of facts.distinct) {
      const key = JSON.stringify([grain, bucket, kind]);
      let entry = this.sketches.get(key);
      if (!entry) {
        entry = { update: { grain, bucket, kind }, sketch: emptySketch() };
        this.sketches.set(key, entry);
      }
      addToSketch(entry.sketch, id);
    }
  }

  increments(): RollupIncrements {
    return {
      counts: [...this.counts.values()],
      sketches: [...this.sketches.values()].map(({ update, sketch }) => ({
        ...update,
        registers: encodeSketch(sketch),
      })),
    };
  }
}
