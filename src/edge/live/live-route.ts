/**
 * GET /v1/live: a viewer's WebSocket to its tenant's live raw-events room. The token comes as a subprotocol
 * ("bearer.<JWT>", beside "audiogum-live"; browsers cannot set Authorization on a WebSocket, and a URL would put
 * it in logs). The tenant is the token's, so a viewer can only ever join its own tenant's room.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { CollectorError } from "../../core/foundation/errors.js";
import { LIVE_PROTOCOL, offeredToken } from "../../core/insights/live-protocol.js";
import { VIEWER_EXPIRES_HEADER } from "../../live/live-events-room.js";
import type { EdgeEnv } from "../edge-env.js";

/** Before authentication: a plain GET is told it needs a WebSocket, whatever its credentials. */
export function requireWebSocket(): MiddlewareHandler<EdgeEnv> {
  return async function requireWebSocket(c, next) {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new CollectorError("websocket_required", "GET /v1/live is a WebSocket; see docs/insights.md.", {
        headers: { upgrade: "websocket" },
      });
    }
    await next();
  };
}

/** The bearer credentials a viewer offers as a subprotocol, for requireScope. */
export function subprotocolCredentials(c: Context<EdgeEnv>): string | undefined {
  const { token } = offeredToken(c.req.header("sec-websocket-protocol") ?? null);
  return token === undefined ? undefined : `Bearer ${token}`;
}

export async function getLiveEvents(c: Context<EdgeEnv>): Promise<Response> {
  if (!offeredToken(c.req.header("sec-websocket-protocol") ?? null).speaksLive) {
    throw new CollectorError("websocket_required", `Offer the subprotocol "${LIVE_PROTOCOL}" beside the bearer token.`);
  }
  const principal = c.get("principal");
  const rooms = c.env.LIVE_EVENTS;
  const room = rooms.get(rooms.idFromName(principal.tenant));
  // Only what the room needs goes on: never the token.
  return room.fetch("https://live-room/connect", {
    headers: { upgrade: "websocket", [VIEWER_EXPIRES_HEADER]: String(principal.expiresAt) },
  });
}
