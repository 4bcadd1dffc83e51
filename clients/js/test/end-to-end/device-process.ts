/**
 * One simulated device of the end-to-end test, as a child process the test kills and restarts: a client with
 * the file storage, driven over IPC. The test says "track events n..n+k" and hears back once `track` has
 * returned for all of them (they are then durable); "drain" flushes and reports what is left queued. Tokens
 * come from the test (getToken), as a device would fetch them from its backend.
 * Started as: node --import tsx device-process.ts <device> <collector url> <storage folder>
 * @module
 */
import { createClient } from "../../src/client.js";
import { fileStorage } from "../../src/storage/file-storage.js";
import { deviceEvent, type FromDevice, type ToDevice } from "./device-events.js";

const [device, url, directory] = process.argv.slice(2);
if (!device || !url || !directory) throw new Error("usage: device-process.ts <device> <url> <folder>");

const send = (message: FromDevice) => process.send?.(message);
const tokenRequests = new Map<number, (token: string) => void>();
let nextTokenRequest = 0;

const client = createClient({
  url,
  getToken: ({ reason }) =>
    new Promise<string>((resolve) => {
      const id = ++nextTokenRequest;
      tokenRequests.set(id, resolve);
      send({ kind: "token", id, reason });
    }),
  storage: fileStorage({ directory }),
  device: {
    client: "end-to-end device",
    clientversion: "1.0.0",
    platform: "node",
    platformversion: process.versions.node,
    devicename: device,
    devicemanufacturer: "audiogum",
  },
  flushAt: 100,
  flushIntervalMs: 250,
  maxBatchEvents: 200,
  retry: { initialDelayMs: 100, maxDelayMs: 1_000 },
  requestTimeoutMs: 5_000,
  onRejected: (rejected) => send({ kind: "reported", rejected: rejected.length, dropped: 0 }),
  onDropped: (events) => send({ kind: "reported", rejected: 0, dropped: events.length }),
});

process.on("message", async (message: ToDevice) => {
  if (message.kind === "token") {
    tokenRequests.get(message.id)?.(message.token);
    tokenRequests.delete(message.id);
  } else if (message.kind === "track") {
    const numbers = Array.from({ length: message.count }, (_, index) => message.from + index);
    await Promise.all(numbers.map((n) => client.track(deviceEvent(device, n))));
    send({ kind: "tracked", from: message.from, count: message.count });
  } else if (message.kind === "drain") {
    await client.flush();
    send({ kind: "drained", queued: await client.queued() });
  }
});
process.on("disconnect", () => process.exit(0));

send({ kind: "ready" });
