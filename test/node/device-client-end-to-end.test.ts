/**
 * The device client (clients/js) against the real Worker run locally by wrangler, through a loopback proxy that
 * misbehaves: 10,000 events from five simulated devices, each a child process with the file storage, while
 * the proxy answers 503 and 429 for stretches, drops connections after the Worker accepted the body, and takes
 * the network away; and the test kills devices with SIGKILL (inside requests the Worker has accepted, and at
 * random moments) and restarts them. At the end, read back through the pull API: every event whose `track`
 * returned is in the export files exactly once, nothing else is, sequence numbers run unbroken within each
 * session, and every device's queue is empty.
 * An event whose `track` was cut short by a kill may or may not have been stored (the app never heard back);
 * such an event may appear at most once.
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullExports } from "../../scripts/pull/pull-exports.js";
import { type FromDevice, markerFor, markerOf, type ToDevice } from "../../clients/js/test/end-to-end/device-events.js";
import { type FaultMode, type FaultProxy, startFaultProxy } from "../support/node/fault-proxy.js";
import { type LocalCollector, startLocalCollector } from "../support/node/local-collector.js";

const DEVICE_PROCESS = fileURLToPath(new URL("../../clients/js/test/end-to-end/device-process.ts", import.meta.url));
const TENANT = `client-e2e-${Date.now().toString(36)}`;
const DEVICES = ["speaker-1", "speaker-2", "phone-3", "phone-4", "browser-5"];
const EVENTS_PER_DEVICE = 2_000;
const BURST = 50;
const BURST_EVERY_MS = 250;
/** The nth requests the Worker accepts from each device during which the test kills that device. */
const KILL_AT_ACCEPTED_REQUEST = new Set([3, 8]);
/** One cycle of the proxy's behaviour; it repeats while the devices track. */
const FAULT_CYCLE: Array<[FaultMode, number]> = [
  ["pass", 1_500],
  ["503", 1_500],
  ["pass", 1_000],
  ["429", 1_500],
  ["pass", 1_000],
  ["drop_after_accept", 2_000],
  ["pass", 1_000],
  ["offline", 2_500],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let collector: LocalCollector;
let proxy: FaultProxy;
let folder: string;

beforeAll(async () => {
  collector = await startLocalCollector();
  proxy = await startFaultProxy(collector.url);
  folder = await mkdtemp(path.join(tmpdir(), "device-client-e2e-"));
}, 120_000);

afterAll(async () => {
  for (const device of devices) device.stop();
  await proxy?.close();
  await collector?.stop();
  for (const created of [collector?.folder, folder]) if (created) await rm(created, { recursive: true, force: true });
});

/** A device process and what the test knows of it: which events `track` returned for, and which are unsure. */
class SimulatedDevice {
  readonly acked = new Set<number>();
  readonly unsure = new Set<number>();
  next = 0;
  kills = 0;
  acceptedRequests = 0;
  reported = { rejected: 0, dropped: 0 };
  private child!: ChildProcess;
  private exited!: Promise<void>;
  private ready!: Promise<unknown>;
  private stopped = false;
  private killing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly storage: string,
  ) {
    this.start();
  }

  private start(): void {
    const child = fork(DEVICE_PROCESS, [this.name, proxy.url.toString(), this.storage], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.ready = this.reply(child, (message) => message.kind === "ready");
    child.on("message", async (message: FromDevice) => {
      if (message.kind === "reported") {
        this.reported.rejected += message.rejected;
        this.reported.dropped += message.dropped;
      }
      if (message.kind !== "token") return;
      const token = await collector.token(TENANT, "events:write", { device: this.name, user: `owner-of-${this.name}` });
      tell(child, { kind: "token", id: message.id, token });
    });
  }

  /** The child's first message that `matches`, or undefined if it exits first. */
  private reply(child: ChildProcess, matches: (message: FromDevice) => boolean): Promise<FromDevice | undefined> {
    return new Promise((resolve) => {
      const settle = (message: FromDevice | undefined) => {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message);
      };
      const onMessage = (message: FromDevice) => matches(message) && settle(message);
      const onExit = () => settle(undefined);
      child.on("message", onMessage);
      child.on("exit", onExit);
    });
  }

  /** Tracks the next `count` events; they count as tracked once the device says `track` returned for all. */
  async track(count: number): Promise<void> {
    await this.killing;
    await this.ready;
    const from = this.next;
    this.next += count;
    for (let n = from; n < from + count; n++) this.unsure.add(n);
    const child = this.child;
    if (!child.connected) return;
    const replied = this.reply(child, (message) => message.kind === "tracked" && message.from === from);
    tell(child, { kind: "track", from, count });
    if ((await replied) === undefined) return;
    for (let n = from; n < from + count; n++) {
      this.unsure.delete(n);
      this.acked.add(n);
    }
  }

  /** SIGKILL, wherever the device is, then start it again on the same storage (one kill at a time). */
  kill(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.killing ??= (async () => {
      this.kills++;
      this.child.kill("SIGKILL");
      await this.exited;
      this.start();
      this.killing = undefined;
    })();
    return this.killing;
  }

  /** Flushes and returns how many events are still queued. */
  async drain(): Promise<number | undefined> {
    await this.killing;
    await this.ready;
    const child = this.child;
    const replied = this.reply(child, (message) => message.kind === "drained");
    tell(child, { kind: "drain" });
    const reply = await replied;
    return reply?.kind === "drained" ? reply.queued : undefined;
  }

  stop(): void {
    this.stopped = true;
    if (this.child.connected) this.child.disconnect();
    this.child.kill("SIGKILL");
  }
}

/**
 * Sends to a device process that may be dying under a kill: a failed send (EPIPE) is no error here, the exit is
 * what tells the test (every reply() resolves undefined on it).
 */
function tell(child: ChildProcess, message: ToDevice): void {
  if (child.connected) child.send(message, () => undefined);
}

const devices: SimulatedDevice[] = [];

/** Every line of every export file of the tenant. */
async function exportedEvents(outDir: string): Promise<Array<Record<string, unknown>>> {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const token = await collector.token(TENANT, "exports:read");
  await pullExports(
    { collector: collector.url, token, since: yesterday, until: undefined, outDir, format: "jsonl", concurrency: 4 },
    { progress: () => undefined },
  );
  const events: Array<Record<string, unknown>> = [];
  for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".jsonl.gz")) continue;
    const text = gunzipSync(await readFile(path.join(entry.parentPath, entry.name))).toString("utf8");
    for (const line of text.split("\n")) if (line !== "") events.push(JSON.parse(line));
  }
  return events;
}

describe("the device client against the local Worker, through faults and kills", () => {
  it("delivers every tracked event exactly once and leaves every queue empty", async () => {
    const started = Date.now();
    for (const name of DEVICES) devices.push(new SimulatedDevice(name, path.join(folder, name)));
    const byName = new Map(devices.map((device) => [device.name, device]));

    let tracking = true;
    proxy.afterAccepted = async (name) => {
      const device = byName.get(name);
      if (!device || !tracking) return "answer";
      device.acceptedRequests++;
      if (!KILL_AT_ACCEPTED_REQUEST.has(device.acceptedRequests)) return "answer";
      await device.kill();
      return "drop";
    };
    // One more kill per device at a random moment: inside a track, a write, a backoff, anywhere.
    const randomKills = devices.map((device) => setTimeout(() => void device.kill(), 1_500 + Math.random() * 9_000));

    const faults = (async () => {
      for (let cycle = 0; tracking || cycle === 0; cycle++) {
        for (const [mode, ms] of FAULT_CYCLE) {
          proxy.mode = mode;
          await sleep(ms);
        }
      }
      proxy.mode = "pass";
    })();

    await Promise.all(
      devices.map(async (device) => {
        while (device.next < EVENTS_PER_DEVICE) {
          await Promise.all([device.track(Math.min(BURST, EVENTS_PER_DEVICE - device.next)), sleep(BURST_EVERY_MS)]);
        }
      }),
    );
    tracking = false;
    for (const timer of randomKills) clearTimeout(timer);
    await faults;

    const queued = await Promise.all(devices.map((device) => device.drain()));
    expect(queued).toEqual(devices.map(() => 0));
    for (const device of devices) device.stop();
    for (const name of DEVICES) {
      const state = JSON.parse(await readFile(path.join(folder, name, "state.json"), "utf8"));
      expect(state.doneThrough, name).toBe(state.lastQ);
    }

    // The consumer writes files within a second or two of the last accepted request; then nothing may follow.
    const outDir = path.join(folder, "exports");
    const acked = devices.reduce((sum, device) => sum + device.acked.size, 0);
    let events: Array<Record<string, unknown>> = [];
    for (let attempt = 0; attempt < 60 && events.length < acked; attempt++) {
      await sleep(1_000);
      events = await exportedEvents(outDir);
    }
    await sleep(3_000);
    events = await exportedEvents(outDir);

    const copies = new Map<string, number>();
    for (const event of events) {
      const marker = markerOf(event) ?? `unmarked ${JSON.stringify(event).slice(0, 80)}`;
      copies.set(marker, (copies.get(marker) ?? 0) + 1);
    }
    for (const device of devices) {
      const missing = [...device.acked].filter((n) => copies.get(markerFor(device.name, n)) !== 1);
      expect(missing.map((n) => `${markerFor(device.name, n)} x${copies.get(markerFor(device.name, n)) ?? 0}`)).toEqual(
        [],
      );
      for (const n of device.unsure) expect(copies.get(markerFor(device.name, n)) ?? 0).toBeLessThanOrEqual(1);
      expect(device.reported).toEqual({ rejected: 0, dropped: 0 });
    }
    const known = new Set(
      devices.flatMap((device) => [...device.acked, ...device.unsure].map((n) => markerFor(device.name, n))),
    );
    expect([...copies.keys()].filter((marker) => !known.has(marker))).toEqual([]);
    expect(new Set(events.map((event) => event.eventid)).size).toBe(events.length);
    // Every request carried sentat; a collector that corrects event time with it says so on each event.
    for (const event of events) if ("eventtimesource" in event) expect(event.eventtimesource).toBe("corrected");

    // Within each session of each device, sequence numbers run 1, 2, 3... with no gap and no repeat.
    const sequences = new Map<string, number[]>();
    for (const event of events) {
      const key = `${event.deviceid} ${event.sessionid}`;
      sequences.set(key, [...(sequences.get(key) ?? []), Number(event.sequencenumber)]);
    }
    for (const [key, numbers] of sequences) {
      const sorted = numbers.sort((a, b) => a - b);
      expect(sorted, key).toEqual(sorted.map((_, index) => index + 1));
    }

    // The faults did happen.
    const kills = devices.reduce((sum, device) => sum + device.kills, 0);
    expect(proxy.counts).toMatchObject({
      "503": expect.any(Number),
      "429": expect.any(Number),
      dropped: expect.any(Number),
      offline: expect.any(Number),
    });
    expect(kills).toBeGreaterThanOrEqual(devices.length * 2);
    const unsure = devices.reduce((sum, device) => sum + device.unsure.size, 0);
    console.log(
      `device client end to end: ${events.length} events exported once each (${acked} tracked, ${unsure} cut short by a kill), ` +
        `${devices.length} devices, ${kills} kills, proxy ${JSON.stringify(proxy.counts)}, ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 240_000);
});
