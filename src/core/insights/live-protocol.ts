/**
 * The live raw-events view's WebSocket protocol, between a viewer (the dashboard) and its tenant's room
 * (src/live/live-events-room.ts). The token travels as a subprotocol, never in the URL:
 *   new WebSocket("/v1/live", ["audiogum-live", "bearer." + token])
 * Viewer → room: {"filter": {"types": ["playevent"], "userid": "…"}} (either may be omitted or null: all).
 * Room → viewer: {"kind": "ready" | "filter", "filter": …}, {"kind": "events", "events": [...]},
 *                {"kind": "error", "message": "…"}.
 * @module
 */
import { z } from "zod";

export const LIVE_PROTOCOL = "audiogum-live";
const BEARER_PROTOCOL_PREFIX = "bearer.";

/** At most this many of a request's events go to the viewers: a live view shows the newest, not a bulk copy. */
export const MAX_LIVE_EVENTS_PER_PUBLISH = 100;

export const liveFilterSchema = z.object({
  types: z.array(z.string().min(1).max(64)).max(20).nullable().default(null),
  userid: z.string().min(1).max(200).nullable().default(null),
});
export type LiveFilter = z.infer<typeof liveFilterSchema>;

export const viewerMessageSchema = z.object({ filter: liveFilterSchema });

/** What a room keeps with each socket (it survives hibernation): the filter and when the viewer's token expires. */
export const viewerStateSchema = z.object({ filter: liveFilterSchema, expiresAt: z.number() });
export type ViewerState = z.infer<typeof viewerStateSchema>;

/** The fields of an event a viewer sees: everything but the client's IP address. */
export type LiveEvent = Record<string, unknown> & { type: string; userid?: string };

export function matchesFilter(event: LiveEvent, filter: LiveFilter): boolean {
  if (filter.types !== null && !filter.types.includes(event.type)) return false;
  if (filter.userid !== null && event.userid !== filter.userid) return false;
  return true;
}

/** The bearer token a viewer offered as a subprotocol, and whether it offered the live protocol itself. */
export function offeredToken(secWebSocketProtocol: string | null): { token: string | undefined; speaksLive: boolean } {
  const offered = (secWebSocketProtocol ?? "").split(",").map((part) => part.trim());
  const bearer = offered.find((part) => part.startsWith(BEARER_PROTOCOL_PREFIX));
  return { token: bearer?.slice(BEARER_PROTOCOL_PREFIX.length), speaksLive: offered.includes(LIVE_PROTOCOL) };
}
