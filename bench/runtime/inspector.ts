/**
 * A minimal client of workerd's V8 inspector (Miniflare's inspectorPort): enough to read the isolate's heap,
 * which is what the 128 MB Workers memory limit applies to. (workerd does not answer
 * HeapProfiler.collectGarbage, so a reading includes garbage not yet collected: an upper bound.)
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
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  }

  close(): void {
    this.socket.close();
  }
}
