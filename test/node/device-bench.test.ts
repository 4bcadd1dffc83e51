/**
 * scripts/device-bench.sh, the firmware engineer's bench client of docs/devices.md, against a loopback stand-in
 * of POST /v1/events: what it sends is what the contract asks (events the server's schema accepts, sequence
 * numbers that go on across runs, gzip, sentat), and it handles 503 with Retry-After, 413, 202 and 401 as
 * the contract says, keeping events queued until the collector has answered for them.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorAnswer, type FakeCollector, startFakeCollector } from "../../clients/js/test/support/fake-collector.js";
import { clientEventSchema } from "../../src/core/events/schemas/events.js";

const SCRIPT = fileURLToPath(new URL("../../scripts/device-bench.sh", import.meta.url));
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;

let fake: FakeCollector;
let folder: string;

beforeEach(async () => {
  fake = await startFakeCollector();
  folder = await mkdtemp(path.join(tmpdir(), "device-bench-"));
});

afterEach(async () => {
  await fake.close();
  await rm(folder, { recursive: true, force: true });
});

function bench(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT, ...args], {
      env: { ...process.env, COLLECTOR_URL: fake.url, TOKEN: "bench-token", BENCH_DIR: folder, BATCH: "4" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

async function queued(): Promise<number> {
  return (await readdir(path.join(folder, "queue"))).filter((name) => name.endsWith(".json")).length;
}

describe("scripts/device-bench.sh", () => {
  it("sends persisted events as the contract asks, through a 503 and a 413, until the queue is empty", async () => {
    const events = [
      '{"type":"appstartevent","preferredlanguages":["en-GB"]}',
      '{"type":"navigationevent","targetpage":"home"}',
      '{"type":"playevent","action":"start","source":"aux"}',
      '{"type":"voiceevent","action":"success","stoppedby":"user","ref":"r-1"}',
      '{"type":"authevent","action":"signin"}',
    ];
    for (const event of events.slice(0, 3)) expect((await bench("track", event)).code).toBe(0);
    // Another run of the script is a restarted device: the session goes on.
    for (const event of events.slice(3)) expect((await bench("track", event)).code).toBe(0);
    fake.script = [errorAnswer(503, "queue_unavailable", {}, 1), errorAnswer(413, "too_many_events")];

    const { code, output } = await bench("send");
    expect(code, output).toBe(0);
    expect(fake.requests.map((request) => request.body.events.length)).toEqual([4, 4, 2, 2, 1]);
    for (const request of fake.requests) {
      expect(request.headers["content-encoding"]).toBe("gzip");
      expect(request.body.sentat).toMatch(LOCAL_TIME);
    }
    for (const event of fake.accepted)
      expect(clientEventSchema.safeParse(event).success, JSON.stringify(event)).toBe(true);
    expect(fake.accepted.map((event) => [event.type, event.sequencenumber])).toEqual(
      events.map((event, index) => [JSON.parse(event).type, index + 1]),
    );
    expect(new Set(fake.accepted.map((event) => event.sessionid)).size).toBe(1);
    expect(await queued()).toBe(0);
  }, 30_000);

  it("keeps the events when the token is refused, and says so", async () => {
    await bench("track", '{"type":"navigationevent","targetpage":"home"}');
    fake.script = [errorAnswer(401, "unauthorized")];
    const { code, output } = await bench("send");
    expect(code).toBe(3);
    expect(output).toContain("401");
    expect(await queued()).toBe(1);
  }, 30_000);
});
