/**
 * A storage in a folder, for Node (and Deno's node: modules): `queue.log` holds one JSON line per queued event
 * and `state.json` the rest. Appending a line (and fsync, unless turned off) is what makes `track` durable, so
 * concurrent tracks are written together in one append. The state file is replaced atomically (write, fsync,
 * rename) when events leave the queue; the session and positions of events tracked since are read back from the
 * log, whose last line may be torn by a crash and is then ignored. When most of the log has been sent it is
 * rewritten, again atomically. One process per folder.
 * @module
 */
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ClientStorage, EMPTY_STATE, type QueueRecord, type QueueState } from "./client-storage.js";

export interface FileStorageOptions {
  /** The folder; created if missing. */
  directory: string;
  /** fsync after every write (default true): events survive a power cut, not only a killed process. */
  fsync?: boolean;
  /** Rewrite the log once this many bytes of it have been sent (default 1 MiB). */
  compactAfterBytes?: number;
}

interface LogLine {
  q: number;
  json: string;
  session?: QueueState["session"];
}

/** A queued record and the bytes of its line in the log. */
interface Entry extends QueueRecord {
  bytes: number;
}

const LOG = "queue.log";
const STATE = "state.json";

export function fileStorage(options: FileStorageOptions): ClientStorage {
  const fsync = options.fsync ?? true;
  const compactAfterBytes = options.compactAfterBytes ?? 1024 * 1024;
  const logPath = path.join(options.directory, LOG);
  const statePath = path.join(options.directory, STATE);
  let loaded: Promise<void> | undefined;
  let state: QueueState = { ...EMPTY_STATE };
  let entries: Entry[] = [];
  /** Bytes of the log file, and of its lines still queued. */
  let logBytes = 0;
  let liveBytes = 0;

  const load = (): Promise<void> => {
    loaded ??= (async () => {
      await mkdir(options.directory, { recursive: true });
      state = { ...EMPTY_STATE, ...(await readJson<QueueState>(statePath)) };
      const text = await readFile(logPath, "utf8").catch(ignoreMissing(""));
      const complete = text.slice(0, text.lastIndexOf("\n") + 1);
      // A crash in the middle of an append leaves a torn last line: its track never returned, so drop it (and
      // cut it from the file, or the next append would be glued to it).
      if (complete.length !== text.length) await writeFile(logPath, complete);
      logBytes = Buffer.byteLength(complete);
      for (const line of complete.split("\n")) {
        const entry = parseLine(line);
        if (entry === undefined || entry.q <= state.doneThrough) continue;
        const bytes = Buffer.byteLength(line) + 1;
        entries.push({ q: entry.q, json: entry.json, bytes });
        liveBytes += bytes;
        if (entry.q > state.lastQ) {
          state.lastQ = entry.q;
          state.session = entry.session;
        }
      }
    })();
    return loaded;
  };

  /** Writes `text` (appending with flag "a"), then fsyncs before resolving unless told not to. */
  const writeDurably = async (file: string, flag: "a" | "w", text: string): Promise<void> => {
    const handle = await open(file, flag);
    try {
      await handle.writeFile(text);
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  };

  const replaceFile = async (target: string, text: string): Promise<void> => {
    await writeDurably(`${target}.tmp`, "w", text);
    await rename(`${target}.tmp`, target);
  };

  return {
    async readState() {
      await load();
      return { ...state };
    },
    async append(records, next) {
      await load();
      // Each line carries the session as it stands after the append, so a restart finds the sequence number
      // even though the state file is only written when events leave the queue.
      const lines = records.map((record) => lineFor(record, next));
      await writeDurably(logPath, "a", lines.join(""));
      records.forEach((record, index) => {
        const bytes = Buffer.byteLength(lines[index]!);
        entries.push({ q: record.q, json: record.json, bytes });
        logBytes += bytes;
        liveBytes += bytes;
      });
      state = { ...next };
    },
    async head(limit) {
      await load();
      return entries.slice(0, limit).map(({ q, json }) => ({ q, json }));
    },
    async commit(next) {
      await load();
      await replaceFile(statePath, JSON.stringify(next));
      state = { ...next };
      let gone = 0;
      while (gone < entries.length && entries[gone]!.q <= next.doneThrough) liveBytes -= entries[gone++]!.bytes;
      entries = entries.slice(gone);
      if (logBytes - liveBytes >= compactAfterBytes) {
        const lines = entries.map((entry) => lineFor(entry, next));
        await replaceFile(logPath, lines.join(""));
        entries = entries.map((entry, index) => ({ ...entry, bytes: Buffer.byteLength(lines[index]!) }));
        logBytes = liveBytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
      }
    },
  };
}

function parseLine(line: string): LogLine | undefined {
  if (line === "") return undefined;
  try {
    const entry = JSON.parse(line) as LogLine;
    return typeof entry.q === "number" && typeof entry.json === "string" ? entry : undefined;
  } catch {
    return undefined;
  }
}

function lineFor(record: QueueRecord, state: QueueState): string {
  return `${JSON.stringify({ q: record.q, json: record.json, session: state.session })}\n`;
}

async function readJson<T>(file: string): Promise<Partial<T> | undefined> {
  const text = await readFile(file, "utf8").catch(ignoreMissing(undefined));
  return text === undefined ? undefined : (JSON.parse(text) as Partial<T>);
}

function ignoreMissing<T>(fallback: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === "ENOENT") return fallback;
    throw error;
  };
}
