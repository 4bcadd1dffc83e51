/**
 * A minimal client of workerd's V8 inspector (Miniflare's inspectorPort): enough to read the isolate's heap,
 * which is what the 128 MB Workers memory limit applies to. (workerd does not answer
 * HeapProfiler.collectGarbage, so `heap()` includes garbage not yet collected: an upper bound; `liveHeap()` reads
 * it after the full collection a heap snapshot makes.)
 * @module
 */
import WebSocket from "ws";

export interface HeapUsage {
  usedBytes: number;
  totalBytes: number;
}

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
      if (message.id === undefined) return;
      this.pending.get(message.id)?.(message.error ?? message.result);
      this.pending.delete(message.id);
    });
    // A closed socket answers nothing more: fail what waits, so no caller hangs.
    socket.on("close", () => {
      for (const settle of this.pending.values()) settle({ error: "the inspector socket closed" });
      this.pending.clear();
    });
  }

  /** Connects to the first Worker the inspector lists whose title contains `workerName`. */
  static async connect(port: number, workerName: string): Promise<InspectorSession> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
      title?: string;
      id?: string;
      webSocketDebuggerUrl?: string;
    }>;
    const target = targets.find((entry) => `${entry.title ?? ""} ${entry.id ?? ""}`.includes(workerName)) ?? targets[0];
    const url = target?.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target?.id ?? ""}`;
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new InspectorSession(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve as (result: unknown) => void);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async heap(): Promise<HeapUsage> {
    const usage = await this.send<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
    if (typeof usage?.usedSize !== "number") throw new Error(`no heap usage: ${JSON.stringify(usage)}`);
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  }

  /**
   * The heap's live set: V8 collects all garbage before it takes a heap snapshot (workerd answers that, though not
   * HeapProfiler.collectGarbage), so the usage read right after one counts only what is reachable. The snapshot's
   * chunks arrive as events, which this client ignores. Slow (the isolate pauses while its heap is written out):
   * use it for a few samples, not many.
   */
  async liveHeap(): Promise<HeapUsage> {
    await this.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    return this.heap();
  }

  close(): void {
    this.socket.close();
  }
}
