/**
 * The insights rollups, end to end in workerd: events posted through the real Worker and consumed by its queue
 * handler are counted exactly once per type, play action, source, country, platform and device model, in UTC
 * minute and day buckets, whatever the duplicates, redeliveries and commit failures.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { addToSketch, emptySketch, estimateDistinct } from "../../src/core/insights/hyperloglog.js";
import { pruneInsights } from "../../src/consumer/prune-insights.js";
import { acceptedMessageBodies, type Sender, senderFor } from "../support/ingest.js";
import { uniqueTenant } from "../support/tenants.js";
import { asQueuedMessages, deliver, deliverUntilAcked } from "../support/deliver.js";
import { failingShardCall } from "../support/faults.js";
import { shardsOf, sweepShardsAt } from "../support/ledger.js";
import { PROTOTYPE_NAMES } from "../support/hostile-values.js";
import { readerToken } from "../support/tokens.js";
import { receivedAt, summaryOf } from "../support/summaries.js";
import { tally } from "../support/event-counts.js";
import { callWorker, collectorRequest } from "../support/worker.js";

const COUNTRIES = ["gb", "de", "us", "us"];

/** The seed examples once per country code, each copy with its own sequence numbers (so its own event ids). */
function eventsFromCountries(countries: readonly string[] = COUNTRIES): Record<string, unknown>[] {
  let sequence = 0;
  return countries.flatMap((country) =>
    seedEvents().map((event) => ({ ...event, countrycode: country, sequencenumber: ++sequence })),
  );
}

async function postAndConsume(sender: Sender, events: readonly Record<string, unknown>[]): Promise<string[]> {
  const bodies = await acceptedMessageBodies(sender, events);
  const delivery = await deliver(asQueuedMessages(bodies));
  expect(delivery.retried).toEqual([]);
  return bodies;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The sketch's estimate of how many distinct ids `ids` holds. */
function distinctIn(ids: readonly string[]): number {
  const sketch = emptySketch();
  for (const id of ids) addToSketch(sketch, id);
  return estimateDistinct(sketch);
}

const plays = (events: readonly Record<string, unknown>[]) => events.filter((event) => event.type === "playevent");

describe("the consumer's rollups", () => {
  it("count posted events exactly by type, play action, play source, country, platform and device model", async () => {
    const sender = senderFor(uniqueTenant("rollup"));
    const events = eventsFromCountries();
    await postAndConsume(sender, events);

    const daily = await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`);
    const day = daily.periods[0]!;
    expect(day.events).toBe(events.length);
    expect(day.by.type).toEqual(tally(events, "type"));
    expect(day.by.play_action).toEqual(tally(plays(events), "action"));
    expect(day.by.play_source).toEqual(tally(plays(events), "source"));
    // The test request carries no cf country, so the device's countrycode counts, uppercased.
    expect(day.by.country).toEqual({ GB: events.length / 4, DE: events.length / 4, US: events.length / 2 });
    expect(day.by.platform).toEqual({ android: events.length });
    expect(day.by.device_model).toEqual({ "motorola XT1021": events.length });
    expect(day.users).toBe(1);
    expect(day.devices).toBe(1);
    expect(daily.totals).toEqual({ events: day.events, users: 1, devices: 1, by: day.by });
  });

  it("count the same events in the realtime view's current minute", async () => {
    const sender = senderFor(uniqueTenant("minute"));
    const events = eventsFromCountries(["gb"]);
    const bodies = await postAndConsume(sender, events);

    const realtime = await summaryOf(sender.tenant, "realtime");
    const minute = (JSON.parse(bodies[0]!) as { events: { receivedat: string }[] }).events[0]!.receivedat.slice(0, 16);
    const period = realtime.periods.find((entry) => entry.period === minute);
    expect(period?.events).toBe(events.length);
    expect(period?.by.type).toEqual(tally(events, "type"));
    expect(realtime.totals.events).toBe(events.length);
  });

  it("prefer the edge's geo country to the device's countrycode", async () => {
    const sender = senderFor(uniqueTenant("geo"));
    const bodies = (await acceptedMessageBodies(sender, eventsFromCountries(["gb"]))).map((body) => {
      const message = JSON.parse(body) as { events: Record<string, unknown>[] };
      for (const event of message.events) event.geo = { country: "FR" };
      return JSON.stringify(message);
    });
    await deliver(asQueuedMessages(bodies));

    const day = (await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`)).periods[0]!;
    expect(day.by.country).toEqual({ FR: seedEvents().length });
  });

  it("count values named like Object.prototype's members (constructor, __proto__, …) as plain strings", async () => {
    const sender = senderFor(uniqueTenant("proto"));
    const events = PROTOTYPE_NAMES.map((name, index) => ({
      ...seedEvents()[0]!,
      sequencenumber: index + 1,
      platform: name,
      devicemanufacturer: name,
      devicename: name,
    }));
    const bodies = (await acceptedMessageBodies(sender, events)).map((body) => {
      const message = JSON.parse(body) as { events: Record<string, unknown>[] };
      for (const event of message.events) event.geo = { country: event.platform };
      return JSON.stringify(message);
    });
    await deliver(asQueuedMessages(bodies));

    const response = await callWorker(
      collectorRequest(`/v1/summaries/daily?from=${today()}&to=${today()}`, {
        headers: { authorization: `Bearer ${await readerToken(sender.tenant, "insights:read")}` },
      }),
    );
    expect(response.status).toBe(200);
    // Parsed as JSON, not with the summary's zod schema (zod's records drop a __proto__ key).
    const by = ((await response.json()) as { totals: { by: Record<string, Record<string, number>> } }).totals.by;
    const once = (map: (name: string) => string) => Object.fromEntries(PROTOTYPE_NAMES.map((name) => [map(name), 1]));
    expect(by.platform).toEqual(once((name) => name));
    expect(by.device_model).toEqual(once((name) => `${name} ${name}`));
    expect(by.country).toEqual(once((name) => name.toUpperCase()));
    expect(Object.getOwnPropertyDescriptor(by.platform, "__proto__")?.value).toBe(1);
  });

  it("do not change when the same events are posted and consumed again, or the batch is redelivered", async () => {
    const sender = senderFor(uniqueTenant("dupes"));
    const events = eventsFromCountries();
    const bodies = await postAndConsume(sender, events);
    const before = await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`);

    await postAndConsume(sender, events);
    await deliver(asQueuedMessages(bodies).map((message) => ({ ...message, attempts: 2 })));
    const after = await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`);
    expect(after).toEqual(before);
    expect(after.totals.events).toBe(events.length);
  });

  it("count only the new events of a batch that mixes new and already exported ones", async () => {
    const sender = senderFor(uniqueTenant("mixed"));
    const events = eventsFromCountries(["gb", "de"]);
    const half = events.slice(0, seedEvents().length);
    await postAndConsume(sender, half);
    await postAndConsume(sender, events);

    const day = (await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`)).periods[0]!;
    expect(day.events).toBe(events.length);
    expect(day.by.country).toEqual({ GB: half.length, DE: events.length - half.length });
  });

  it.each(["before", "after"] as const)(
    "count each event once when the shard's commit fails %s reaching storage",
    async (timing) => {
      const sender = senderFor(uniqueTenant(`fault-${timing}`));
      const events = eventsFromCountries();
      const messages = asQueuedMessages(await acceptedMessageBodies(sender, events));
      const fault = failingShardCall(env.LEDGER, "commit", timing);
      await deliverUntilAcked(messages, (delivery) => (delivery === 1 ? { LEDGER: fault.binding } : {}));
      expect(fault.fired()).toBe(true);

      const day = (await summaryOf(sender.tenant, `daily?from=${today()}&to=${today()}`)).periods[0]!;
      expect(day.events).toBe(events.length);
      expect(day.by.type).toEqual(tally(events, "type"));
    },
  );

  it("put events on either side of midnight UTC, at a month's and a year's end, in their own day and month", async () => {
    const sender = senderFor(uniqueTenant("midnight"));
    const events = eventsFromCountries(["gb", "de"]);
    const [lastOfYear, firstOfYear] = [events.slice(0, 5), events.slice(5)];
    await deliver(
      asQueuedMessages(receivedAt(await acceptedMessageBodies(sender, lastOfYear), "2025-12-31T23:59:59.999Z")),
    );
    await deliver(
      asQueuedMessages(receivedAt(await acceptedMessageBodies(sender, firstOfYear), "2026-01-01T00:00:00.000Z")),
    );

    const daily = await summaryOf(sender.tenant, "daily?from=2025-12-30&to=2026-01-02");
    expect(daily.periods.map((period) => [period.period, period.events])).toEqual([
      ["2025-12-30", 0],
      ["2025-12-31", lastOfYear.length],
      ["2026-01-01", firstOfYear.length],
      ["2026-01-02", 0],
    ]);
    const monthly = await summaryOf(sender.tenant, "monthly?from=2025-11&to=2026-02");
    expect(monthly.periods.map((period) => [period.period, period.events])).toEqual([
      ["2025-11", 0],
      ["2025-12", lastOfYear.length],
      ["2026-01", firstOfYear.length],
      ["2026-02", 0],
    ]);
    expect(monthly.periods[2]!.by.type).toEqual(tally(firstOfYear, "type"));
  });

  it("add a month up from its days, with distinct users over the month, not summed per day", async () => {
    const tenant = uniqueTenant("month");
    // Fixed user ids, not ones made from the random tenant name: a sketch of 2,048 registers counts two ids that
    // fall in the same register as one user (1 chance in 2,048 for any two ids), which is the estimate's nature,
    // not a fault of the rollups. These two fall in different registers, so two users must read as 2.
    const [first, second] = ["first-user", "second-user"];
    expect(distinctIn([first, second])).toBe(2);
    const days = ["2026-03-01", "2026-03-15", "2026-03-31"];
    for (const [index, day] of days.entries()) {
      // The same user on every day; a second user only on the last.
      const sender = { ...senderFor(tenant), userid: first };
      const senders = index === 2 ? [sender, { ...sender, userid: second }] : [sender];
      for (const sender of senders) {
        const events = seedEvents().map((event, position) => ({ ...event, sequencenumber: index * 100 + position }));
        await deliver(
          asQueuedMessages(receivedAt(await acceptedMessageBodies(sender, events), `${day}T12:00:00.000Z`)),
        );
      }
    }
    const month = (await summaryOf(tenant, "monthly?from=2026-03&to=2026-03")).periods[0]!;
    expect(month.events).toBe(seedEvents().length * 4);
    expect(month.users).toBe(2);
    expect(month.devices).toBe(1);
  });

  it("write one rollup row per file, its minute, however many events and values it holds", async () => {
    const sender = senderFor(uniqueTenant("rows"));
    const events = eventsFromCountries(["gb", "de", "us", "fr", "es"]);
    await postAndConsume(sender, events);

    const [stats] = await Promise.all(shardsOf(sender.tenant).map((shard) => shard.stats()));
    // A minute when the batch falls in one minute (it may straddle two), kept in the day's minute table, which
    // adds up to the day. The seed events' 2016 localtime is past the event-time window, so they happened when
    // received: on time, no late rows.
    expect([1, 2]).toContain(stats!.rollups);
  });
});

describe("a small tenant's rollup rows", () => {
  it("hold the sketches of a few users and devices in a few bytes, not 2,048 characters each, and still count them", async () => {
    const tenant = uniqueTenant("small");
    // Fixed ids that fall in different registers, so three users and three devices must read as 3 (see above).
    const users = ["first-user", "second-user", "third-user"];
    const devices = ["first-device", "second-device", "third-device"];
    expect([distinctIn(users), distinctIn(devices)]).toEqual([3, 3]);
    const bodies: string[] = [];
    for (const [index, userid] of users.entries()) {
      const sender = { tenant, userid, deviceid: devices[index]! };
      const events = seedEvents().slice(0, index === 2 ? 6 : 7);
      bodies.push(...(await acceptedMessageBodies(sender, events)));
    }
    await deliver(asQueuedMessages(bodies));

    // Its minute row (two if the batch straddles a minute), and the day row its minutes fold into two days later:
    // two dense sketches alone were 4,096 bytes a row.
    const shard = shardsOf(tenant)[0]!;
    const { minuteRollups } = (await shard.storage()).kinds;
    expect(minuteRollups.rows).toBeGreaterThanOrEqual(1);
    expect(minuteRollups.bytes / minuteRollups.rows).toBeLessThan(1_024);
    await sweepShardsAt(tenant, Date.parse(`${today()}T00:00:00Z`) + 2 * 86_400_000);
    const { dayRollups } = (await shard.storage()).kinds;
    expect(dayRollups.rows).toBe(1);
    expect(dayRollups.bytes).toBeLessThan(1_024);
    const day = (await summaryOf(tenant, `daily?from=${today()}&to=${today()}`)).periods[0]!;
    expect([day.events, day.users, day.devices]).toEqual([20, 3, 3]);
  });
});

describe("the pruning of rollups", () => {
  const HOUR = 3_600_000;

  /** The D1 rollups of before the shards, which the cron prunes. */
  async function bucketsOf(tenant: string): Promise<string[]> {
    const rows = await env.DB.prepare(
      `SELECT grain || ' ' || bucket AS label FROM insight_counts WHERE tenant = ?1
       UNION SELECT grain || ' ' || bucket FROM insight_sketches WHERE tenant = ?1 ORDER BY label`,
    )
      .bind(tenant)
      .all<{ label: string }>();
    return rows.results.map((row) => row.label);
  }

  async function insertLegacyRollup(tenant: string, grain: string, bucket: string): Promise<void> {
    await env.DB.prepare(
      "INSERT INTO insight_counts (tenant, grain, bucket, dimension, value, count) VALUES (?1, ?2, ?3, 'type', 'playevent', 1)",
    )
      .bind(tenant, grain, bucket)
      .run();
  }

  it("the cron deletes D1 minute rows once older than 24 hours and day rows once older than 400 days", async () => {
    const tenant = uniqueTenant("prune");
    const receivedat = new Date(Date.now() - HOUR).toISOString();
    const [minute, day] = [receivedat.slice(0, 16), receivedat.slice(0, 10)];
    await insertLegacyRollup(tenant, "minute", minute);
    await insertLegacyRollup(tenant, "day", day);
    const sender = { tenant };
    const received = Date.parse(receivedat);

    await pruneInsights(env, received + 23 * HOUR);
    expect(await bucketsOf(sender.tenant)).toEqual([`day ${day}`, `minute ${minute}`]);
    await pruneInsights(env, received + 25 * HOUR);
    expect(await bucketsOf(sender.tenant)).toEqual([`day ${day}`]);
    await pruneInsights(env, received + 399 * 24 * HOUR);
    expect(await bucketsOf(sender.tenant)).toEqual([`day ${day}`]);
    await pruneInsights(env, received + 402 * 24 * HOUR);
    expect(await bucketsOf(sender.tenant)).toEqual([]);
  });

  it("a shard's sweep folds a day's minutes into its day row two days after the day's start, and deletes day rows once older than 400 days", async () => {
    const sender = senderFor(uniqueTenant("prune"));
    const receivedat = new Date(Date.now() - HOUR).toISOString();
    await deliver(asQueuedMessages(receivedAt(await acceptedMessageBodies(sender, seedEvents()), receivedat)));
    const dayStart = Date.parse(`${receivedat.slice(0, 10)}T00:00:00Z`);
    const rollups = async () => (await shardsOf(sender.tenant)[0]!.stats()).rollups;

    // Every minute of the day is kept at least 24 hours: its last minute's until the day's start + 48 hours.
    await sweepShardsAt(sender.tenant, dayStart + 47 * HOUR);
    expect(await rollups()).toBe(1);
    await sweepShardsAt(sender.tenant, dayStart + 48 * HOUR);
    expect(await rollups()).toBe(1);
    await sweepShardsAt(sender.tenant, dayStart + 399 * 24 * HOUR);
    expect(await rollups()).toBe(1);
    await sweepShardsAt(sender.tenant, dayStart + 402 * 24 * HOUR);
    expect(await rollups()).toBe(0);
  });
});
