/**
 * Hands a request's accepted events to its tenant's live room, without the request waiting: the call runs in
 * waitUntil after the queue has the events, and its failure is only logged. With nobody watching it costs ~nothing:
 * a room that answers "0 viewers" makes this isolate skip the tenant for QUIET_TENANT_MS, so an unwatched tenant
 * costs at most one room call per isolate every few seconds, never one per request. The price: a viewer who just
 * connected may miss up to that long of events from isolates that cached the tenant as quiet.
 * @module
 */
import type { Context } from "hono";
import { describeCause, logWarn } from "../../core/foundation/log.js";
import { MAX_LIVE_EVENTS_PER_PUBLISH, type LiveEvent } from "../../core/insights/live-protocol.js";
import type { ExportedEvent } from "../../core/events/schemas/envelope.js";
import type { EdgeEnv } from "../edge-env.js";

export const QUIET_TENANT_MS = 5_000;
/** Bounds the isolate's memory however many tenants it serves. */
const MAX_QUIET_TENANTS = 10_000;

const quietUntil = new Map<string, number>();

/** `lastEvents(n)` gives the request's last n accepted events; it is called only when the tenant may have viewers. */
export function publishLiveEvents(
  c: Context<EdgeEnv>,
  tenant: string,
  lastEvents: (count: number) => readonly ExportedEvent[],
): void {
  const now = Date.now();
  if ((quietUntil.get(tenant) ?? 0) > now) return;
  quietUntil.delete(tenant);
  try {
    c.executionCtx.waitUntil(sendToRoom(c.env.LIVE_EVENTS, tenant, lastEvents(MAX_LIVE_EVENTS_PER_PUBLISH)));
  } catch (error) {
    // No execution context (the app called without one): the live view is an extra, never the ingest's failure.
    logWarn("live_publish_error", { tenant, ...describeCause(error) });
  }
}

/** Forgets which tenants this isolate thinks nobody watches (tests start each case from scratch). */
export function forgetQuietTenants(): void {
  quietUntil.clear();
}

async function sendToRoom(rooms: Env["LIVE_EVENTS"], tenant: string, events: readonly ExportedEvent[]): Promise<void> {
  try {
    const room = rooms.get(rooms.idFromName(tenant));
    const viewers = await room.publish(events.map(withoutIp));
    if (viewers === 0) markQuiet(tenant);
  } catch (error) {
    // A failing room is treated as quiet too, so an outage does not add a failing call to every request.
    markQuiet(tenant);
    logWarn("live_publish_error", { tenant, ...describeCause(error) });
  }
}

function markQuiet(tenant: string): void {
  if (quietUntil.size >= MAX_QUIET_TENANTS) quietUntil.clear();
  quietUntil.set(tenant, Date.now() + QUIET_TENANT_MS);
}

function withoutIp(event: ExportedEvent): LiveEvent {
  const { ip: _ip, ...visible } = event as ExportedEvent & { ip?: string };
  return visible as LiveEvent;
}
