/**
 * How the client sends: durable before `track` returns, one request in flight per device, batches within the
 * collector's limits (events, JSON bytes, gzipped bytes), gzip and `sentat`, every event as the server's own
 * schema accepts it, a bounded queue that drops the oldest first, and keepalive sends when a page hides.
 * @module
 */
import { describe, expect, it } from "vitest";
import { clientEventSchema } from "../../../src/core/events/schemas/events.js";
import { createClient } from "../src/client.js";
import { systemClock } from "../src/clock.js";
import type { ClientStorage } from "../src/storage/client-storage.js";
import { memoryStorage } from "../src/storage/memory-storage.js";
import type { PageLike } from "../src/page-lifecycle.js";
import { DEVICE, harness, pages, targetPages, trackAll } from "./support/test-client.js";

/** localtime and sentat: ISO-8601 with seconds, milliseconds and an offset, as the collector requires. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;

describe("track", () => {
  it("returns only once the event is in storage", async () => {
    const storage = memoryStorage();
    let releaseAppend: () => void = () => undefined;
    const slowStorage: ClientStorage = {
      ...storage,
      readState: () => storage.readState(),
      head: (limit) => storage.head(limit),
      commit: (state) => storage.commit(state),
      append: async (records, state) => {
        await new Promise<void>((resolve) => {
          releaseAppend = resolve;
        });
        await storage.append(records, state);
      },
    };
    const { client } = await harness({ storage: slowStorage });
    let returned = false;
    const tracked = client.track({ type: "authevent", action: "signin" }).then(() => {
      returned = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(false);
    releaseAppend();
    await tracked;
    expect(storage.records).toHaveLength(1);
  });

  it("sends events the server's own schema accepts, stamped with the device, session and local time", async () => {
    const { fake, client } = await harness({ connection: () => "cellular", countrycode: "gb" });
    await client.track({ type: "appstartevent", preferredlanguages: ["en-GB"] });
    await client.track({ type: "playevent", action: "start", source: "aux", initiator: "user" });
    await client.track({ type: "voiceevent", action: "success", stoppedby: "user", ref: "r-1", connection: "wan" });
    await client.flush();
    const [request] = fake.requests;
    expect(request?.body.sentat).toMatch(LOCAL_TIME);
    const events = request?.body.events ?? [];
    for (const event of events) {
      expect(clientEventSchema.safeParse(event).success, JSON.stringify(event)).toBe(true);
      expect(event).toMatchObject({ ...DEVICE, countrycode: "gb", localtime: expect.stringMatching(LOCAL_TIME) });
    }
    expect(events.map((event) => [event.type, event.connection, event.sequencenumber])).toEqual([
      ["appstartevent", "cellular", 1],
      ["playevent", "cellular", 2],
      ["voiceevent", "wan", 3],
    ]);
    expect(new Set(events.map((event) => event.sessionid)).size).toBe(1);
  });

  it("refuses an event of no Audiogum type", async () => {
    const { client } = await harness();
    await expect(client.track({ type: "pageview" } as never)).rejects.toThrow(TypeError);
  });
});

describe("requests", () => {
  it("has one request in flight at a time while events keep coming", async () => {
    const { fake, client } = await harness({ flushAt: 5 });
    fake.answerDelayMs = 20;
    for (let round = 0; round < 10; round++) {
      await trackAll(client, 10, round * 10);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await client.flush();
    expect(fake.maxConcurrent).toBe(1);
    expect(fake.requests.length).toBeGreaterThan(1);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 100));
  });

  it("gzips the body and keeps each request within the event, JSON and wire limits", async () => {
    const { fake, client } = await harness({ maxBatchEvents: 40, maxBatchBytes: 6_000, maxWireBytes: 1_500 });
    // Random text compresses poorly, so the wire limit binds before the others.
    await Promise.all(
      Array.from({ length: 120 }, (_, index) =>
        client.track({ type: "navigationevent", targetpage: `page-${index}`, sourcetag: randomText(40) }),
      ),
    );
    await client.flush();
    for (const request of fake.requests) {
      expect(request.headers["content-encoding"]).toBe("gzip");
      expect(request.wireBytes).toBeLessThanOrEqual(1_500);
      expect(request.body.events.length).toBeLessThanOrEqual(40);
      expect(Buffer.byteLength(JSON.stringify(request.body))).toBeLessThanOrEqual(6_000);
    }
    expect(targetPages(fake.accepted)).toEqual(pages(0, 120));
  });

  it("leaves sentat out when told to", async () => {
    const { fake, client } = await harness({ sendSentAt: false, gzip: false });
    await trackAll(client, 1);
    await client.flush();
    expect(fake.requests[0]?.body).not.toHaveProperty("sentat");
    expect(fake.requests[0]?.headers["content-encoding"]).toBeUndefined();
  });
});

describe("a bounded queue", () => {
  it("drops the oldest events first and reports them", async () => {
    const { fake, client, dropped } = await harness({ maxQueueEvents: 5 });
    // Unreachable long enough that the first events are still queued when the queue overflows.
    fake.script = Array.from({ length: 10 }, () => "drop" as const);
    await trackAll(client, 3);
    await trackAll(client, 5, 3);
    await client.flush();
    expect(dropped.flatMap(({ events, reason }) => targetPages(events).map((page) => `${reason} ${page}`))).toEqual([
      "queue_full page-0",
      "queue_full page-1",
      "queue_full page-2",
    ]);
    expect(targetPages(fake.accepted)).toEqual(pages(3, 5));
  });
});

describe("a page that hides", () => {
  it("sends at once, with keepalive and bodies that fit its quota", async () => {
    const page = fakePage();
    const keepalive: boolean[] = [];
    const { fake, client } = await harness({
      page,
      clock: systemClock,
      fetch: (input, init) => {
        keepalive.push(Boolean(init?.keepalive));
        return fetch(input, init);
      },
    });
    await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        client.track({ type: "navigationevent", targetpage: `page-${index}`, sourcetag: randomText(400) }),
      ),
    );
    page.hide();
    await client.flush();
    expect(keepalive.every(Boolean)).toBe(true);
    expect(fake.requests.length).toBeGreaterThan(1);
    for (const request of fake.requests) expect(request.wireBytes).toBeLessThanOrEqual(60 * 1024);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 300));
  });

  it("stops watching the page when closed", async () => {
    const page = fakePage();
    const client = createClient({
      url: "http://127.0.0.1:9",
      token: "t",
      storage: memoryStorage(),
      device: DEVICE,
      page,
    });
    expect(page.listeners()).toBe(3);
    await client.close();
    expect(page.listeners()).toBe(0);
  });
});

function randomText(length: number): string {
  let text = "";
  while (text.length < length) text += Math.random().toString(36).slice(2);
  return text.slice(0, length);
}

function fakePage(): PageLike & { hide(): void; listeners(): number } {
  const listeners = new Map<string, Set<() => void>>();
  const target = (prefix: string) => ({
    addEventListener: (type: string, listener: () => void) => {
      const key = `${prefix}:${type}`;
      listeners.set(key, (listeners.get(key) ?? new Set()).add(listener));
    },
    removeEventListener: (type: string, listener: () => void) => listeners.get(`${prefix}:${type}`)?.delete(listener),
  });
  const document = { ...target("document"), visibilityState: "visible" };
  return {
    ...target("window"),
    document,
    hide() {
      document.visibilityState = "hidden";
      for (const listener of listeners.get("document:visibilitychange") ?? []) listener();
      for (const listener of listeners.get("window:pagehide") ?? []) listener();
    },
    listeners: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  };
}
