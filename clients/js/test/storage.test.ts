/**
 * Every storage adapter keeps the same queue: records appended with the state that numbered them, read from
 * the front, forgotten through `doneThrough`, and (except memory) found again by a new instance over the same
 * medium, as after a restart. The file storage also survives a torn last line and rewrites its log.
 * @module
 */
import { appendFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ClientStorage, EMPTY_STATE, type QueueState } from "../src/storage/client-storage.js";
import { fileStorage } from "../src/storage/file-storage.js";
import { indexedDbStorage } from "../src/storage/indexed-db-storage.js";
import { localStorageStorage } from "../src/storage/local-storage.js";
import { memoryStorage } from "../src/storage/memory-storage.js";

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const created = await mkdtemp(path.join(tmpdir(), "client-storage-"));
  folders.push(created);
  return created;
}

// fake-indexeddb is a dev dependency; a checkout whose node_modules predates it skips that adapter, saying so.
const fakeIndexedDb = await import("fake-indexeddb").catch(() => undefined);
if (!fakeIndexedDb) console.warn("storage.test: indexedDbStorage SKIPPED, fake-indexeddb is not installed (npm ci)");

interface Medium {
  name: string;
  /** A new adapter instance over the same medium, as a restarted app makes. */
  open: () => ClientStorage;
  persistent: boolean;
}

async function media(): Promise<Medium[]> {
  const memory = memoryStorage();
  const directory = await folder();
  const webStorage = new Map<string, string>();
  const localStorage = {
    getItem: (key: string) => webStorage.get(key) ?? null,
    setItem: (key: string, value: string) => void webStorage.set(key, value),
    removeItem: (key: string) => void webStorage.delete(key),
  };
  const list: Medium[] = [
    { name: "memory", open: () => memory, persistent: false },
    { name: "file", open: () => fileStorage({ directory, fsync: false }), persistent: true },
    { name: "localStorage", open: () => localStorageStorage({ localStorage }), persistent: true },
  ];
  if (fakeIndexedDb) {
    const factory = new fakeIndexedDb.IDBFactory();
    list.push({
      name: "IndexedDB",
      open: () => indexedDbStorage({ indexedDB: factory, IDBKeyRange: fakeIndexedDb.IDBKeyRange }),
      persistent: true,
    });
  }
  return list;
}

const session = { id: "5f71e09784354cfabd8253fe24d6b701", sequence: 3, lastActivity: 1_700_000_000_000 };
const record = (q: number) => ({ q, json: JSON.stringify({ type: "navigationevent", targetpage: `page-${q}` }) });

describe("every storage", async () => {
  for (const medium of await media()) {
    it(`${medium.name}: appends, reads from the front, forgets what is done, and is found again after a restart`, async () => {
      const storage = medium.open();
      expect(await storage.readState()).toEqual(EMPTY_STATE);
      const appended: QueueState = { ...EMPTY_STATE, lastQ: 3, session };
      await storage.append([record(1), record(2), record(3)], appended);
      expect(await storage.readState()).toEqual(appended);
      expect(await storage.head(2)).toEqual([record(1), record(2)]);

      const committed: QueueState = { ...appended, doneThrough: 2, retryAt: 1_700_000_060_000 };
      await storage.commit(committed);
      expect(await storage.head(10)).toEqual([record(3)]);
      await storage.append([record(4)], { ...committed, lastQ: 4, session: { ...session, sequence: 4 } });

      const reopened = medium.open();
      expect(await reopened.readState()).toEqual({ ...committed, lastQ: 4, session: { ...session, sequence: 4 } });
      expect(await reopened.head(10)).toEqual([record(3), record(4)]);
    });
  }
});

describe("the file storage", () => {
  it("drops a torn last line (a crash mid-append) and appends after it cleanly", async () => {
    const directory = await folder();
    const first = fileStorage({ directory, fsync: false });
    await first.append([record(1)], { ...EMPTY_STATE, lastQ: 1, session });
    await appendFile(path.join(directory, "queue.log"), '{"q":2,"json":"{\\"type\\":\\"navig');

    const second = fileStorage({ directory, fsync: false });
    expect(await second.readState()).toMatchObject({ lastQ: 1, session });
    await second.append([record(2)], { ...EMPTY_STATE, lastQ: 2, session: { ...session, sequence: 4 } });

    const third = fileStorage({ directory, fsync: false });
    expect(await third.head(10)).toEqual([record(1), record(2)]);
    expect(await third.readState()).toMatchObject({ lastQ: 2, session: { sequence: 4 } });
  });

  it("rewrites its log once enough of it has been sent, keeping the rest", async () => {
    const directory = await folder();
    const storage = fileStorage({ directory, fsync: false, compactAfterBytes: 2_000 });
    const records = Array.from({ length: 60 }, (_, index) => record(index + 1));
    await storage.append(records, { ...EMPTY_STATE, lastQ: 60, session });
    const before = (await stat(path.join(directory, "queue.log"))).size;
    await storage.commit({ ...EMPTY_STATE, lastQ: 60, doneThrough: 50, session });
    const after = (await stat(path.join(directory, "queue.log"))).size;
    expect(after).toBeLessThan(before / 4);
    expect((await readFile(path.join(directory, "queue.log"), "utf8")).trim().split("\n")).toHaveLength(10);
    expect(await fileStorage({ directory, fsync: false }).head(100)).toEqual(records.slice(50));
  });
});
