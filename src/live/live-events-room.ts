/**
 * One Durable Object per tenant: the room of the tenant's live raw-events viewers. Its sockets use the
 * WebSocket Hibernation API (ctx.acceptWebSocket), so a room with viewers and no events costs no duration, and a
 * room with no viewers is never woken by the edge for long (publish answers 0 and the edge stops calling: see
 * src/edge/live/live-publish.ts). Only the edge reaches a room, after authenticating the viewer for its tenant, so a
 * room never holds another tenant's viewer.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import {
  LIVE_PROTOCOL,
  matchesFilter,
  viewerMessageSchema,
  viewerStateSchema,
  type LiveEvent,
  type ViewerState,
} from "../core/insights/live-protocol.js";

/** The header the edge sets on the upgrade it forwards: when the viewer's token expires (epoch ms). */
export const VIEWER_EXPIRES_HEADER = "x-live-viewer-expires";

/** The close code for a viewer whose token has expired: the dashboard signs in again. */
export const TOKEN_EXPIRED_CLOSE_CODE = 4001;

export class LiveEventsRoom extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const state: ViewerState = {
      filter: { types: null, userid: null },
      expiresAt: Number(request.headers.get(VIEWER_EXPIRES_HEADER)),
    };
    server.serializeAttachment(state);
    server.send(JSON.stringify({ kind: "ready", filter: state.filter }));
    return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": LIVE_PROTOCOL } });
  }

  /** Sends the events to every viewer whose filter they match; returns how many viewers are connected. */
  async publish(events: readonly LiveEvent[]): Promise<number> {
    const now = Date.now();
    let viewers = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const state = viewerStateSchema.safeParse(socket.deserializeAttachment());
      if (!state.success || state.data.expiresAt <= now) {
        closeQuietly(socket, TOKEN_EXPIRED_CLOSE_CODE, "token expired");
        continue;
      }
      viewers++;
      const filter = state.data.filter;
      const matching = events.filter((event) => matchesFilter(event, filter));
      if (matching.length > 0) sendQuietly(socket, JSON.stringify({ kind: "events", events: matching }));
    }
    return viewers;
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const parsed = typeof message === "string" ? viewerMessageSchema.safeParse(safeJson(message)) : undefined;
    if (!parsed?.success) {
      sendQuietly(
        socket,
        JSON.stringify({ kind: "error", message: 'Send {"filter": {"types": [...] | null, "userid": "…" | null}}.' }),
      );
      return;
    }
    const state = viewerStateSchema.parse(socket.deserializeAttachment());
    socket.serializeAttachment({ ...state, filter: parsed.data.filter });
    sendQuietly(socket, JSON.stringify({ kind: "filter", filter: parsed.data.filter }));
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    // Complete the closing handshake the viewer started (1005/1006 are not codes one may send).
    closeQuietly(socket, code === 1005 || code === 1006 ? 1000 : code, reason);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// A socket may close between getWebSockets() and send(); that viewer is gone, the others still get the events.
function sendQuietly(socket: WebSocket, text: string): void {
  try {
    socket.send(text);
  } catch {
    // gone
  }
}

function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // already closed
  }
}
