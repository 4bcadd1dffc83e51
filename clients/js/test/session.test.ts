/**
 * Sessions and sequence numbers: one session until the app is idle for `sessionIdleMs`, numbers 1, 2, 3... within
 * it, and after a restart the same session goes on from the last number (reusing one would make the server drop
 * a different event as a duplicate of the first).
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ClientStorage } from "../src/storage/client-storage.js";
import { fileStorage } from "../src/storage/file-storage.js";
import { memoryStorage } from "../src/storage/memory-storage.js";
import { fastClock, harness, trackAll } from "./support/test-client.js";
import { startFakeCollector } from "./support/fake-collector.js";

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

function sessionsAndNumbers(events: ReadonlyArray<Record<string, unknown>>): Array<[string, number]> {
  const names = new Map<unknown, string>();
  return events.map((event) => {
    if (!names.has(event.sessionid)) names.set(event.sessionid, `session ${names.size + 1}`);
    return [names.get(event.sessionid)!, Number(event.sequencenumber)];
  });
}

describe("sessions", () => {
  it("start anew after the idle time, numbering from 1 again", async () => {
    const clock = fastClock();
    const { fake, client } = await harness({ clock, sessionIdleMs: 60_000 });
    await trackAll(client, 2);
    clock.advance(59_000);
    await trackAll(client, 1);
    clock.advance(61_000);
    await trackAll(client, 2);
    await client.newSession();
    await trackAll(client, 1);
    await client.flush();
    expect(sessionsAndNumbers(fake.accepted)).toEqual([
      ["session 1", 1],
      ["session 1", 2],
      ["session 1", 3],
      ["session 2", 1],
      ["session 2", 2],
      ["session 3", 1],
    ]);
    for (const event of fake.accepted) expect(event.sessionid).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("a restart", () => {
  for (const [name, makeStorage] of [
    ["memory", async () => memoryStorage()],
    [
      "file",
      async () => {
        const folder = await mkdtemp(path.join(tmpdir(), "client-session-"));
        folders.push(folder);
        return () => fileStorage({ directory: folder, fsync: false });
      },
    ],
  ] as const) {
    it(`keeps the session and its numbers (${name} storage), with and without events queued`, async () => {
      const made = await makeStorage();
      const open = (): ClientStorage => (typeof made === "function" ? made() : made);
      const fake = await startFakeCollector();
      try {
        // Run 1 sends its events; run 2 is killed with events queued (never flushed); run 3 sends everything.
        const first = await harness({ storage: open() }, fake);
        await trackAll(first.client, 2);
        await first.client.flush();
        await first.client.close();
        const second = await harness({ storage: open(), flushIntervalMs: 3_600_000, clock: neverFires() }, fake);
        await trackAll(second.client, 2, 2);
        await second.client.close();
        const third = await harness({ storage: open() }, fake);
        await trackAll(third.client, 1, 4);
        await third.client.flush();
        expect(sessionsAndNumbers(fake.accepted)).toEqual([1, 2, 3, 4, 5].map((number) => ["session 1", number]));
        expect(await third.client.queued()).toBe(0);
      } finally {
        await fake.close();
      }
    });
  }
});

/** A clock whose timers never fire: a client that never gets to send. */
function neverFires() {
  const clock = fastClock();
  return { ...clock, setTimeout: () => 0, clearTimeout: () => undefined };
}
