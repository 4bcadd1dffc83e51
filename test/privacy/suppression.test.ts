/**
 * Suppression (docs/privacy.md): after an erasure with suppress (the default) the tenant's later events of that
 * userid are dropped at the edge, before the queue, and counted as `suppressed`; DELETE lifts it.
 * @module
 */
import { describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { ADMIN } from "../support/destinations.js";
import { requestErasure } from "../support/erasures.js";
import { eventsRequest, type Sender } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { callWorker, collectorRequest } from "../support/worker.js";

async function post(sender: Sender) {
  const queue = recordingQueue({ forwardTo: null });
  const response = await callWorker(await eventsRequest(sender, seedEvents().slice(0, 3)), { EVENTS: queue.queue });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, queued: queue.events() };
}

describe("a suppressed user's later events", () => {
  it("are answered 202 as suppressed and never reach the queue; other users' still do", async () => {
    const tenant = uniqueTenant("suppress");
    const erased: Sender = { tenant, userid: "erased-user", deviceid: "device-1" };
    const other: Sender = { tenant, userid: "other-user", deviceid: "device-2" };
    await requestErasure(tenant, { userid: erased.userid });

    const dropped = await post(erased);
    expect(dropped).toEqual({ status: 202, body: { accepted: 0, rejected: [], suppressed: 3 }, queued: [] });
    const kept = await post(other);
    expect(kept.body).toEqual({ accepted: 3, rejected: [] });
    expect(kept.queued).toHaveLength(3);
  });

  it("are the same user of another tenant's, untouched", async () => {
    const tenant = uniqueTenant("suppress-scope");
    await requestErasure(tenant, { userid: "shared-user" });
    const elsewhere = await post({ tenant: uniqueTenant("suppress-other"), userid: "shared-user", deviceid: "d" });
    expect(elsewhere.body).toEqual({ accepted: 3, rejected: [] });
  });

  it("are accepted again once the suppression is lifted; a second DELETE is 404", async () => {
    const tenant = uniqueTenant("suppress-lift");
    const sender: Sender = { tenant, userid: "user/with?odd#chars", deviceid: "device-1" };
    await requestErasure(tenant, { userid: sender.userid });
    expect((await post(sender)).body.suppressed).toBe(3);
    const path = `/admin/tenants/${tenant}/suppressions/${encodeURIComponent(sender.userid)}`;
    const lifted = await callWorker(collectorRequest(path, { method: "DELETE", headers: ADMIN }));
    expect(lifted.status).toBe(200);
    expect((await post(sender)).body).toEqual({ accepted: 3, rejected: [] });
    const again = await callWorker(collectorRequest(path, { method: "DELETE", headers: ADMIN }));
    expect(again.status).toBe(404);
  });

  it("are accepted when the erasure asked not to suppress", async () => {
    const tenant = uniqueTenant("suppress-no");
    const sender: Sender = { tenant, userid: "kept-user", deviceid: "device-1" };
    await requestErasure(tenant, { userid: sender.userid, suppress: false });
    expect((await post(sender)).body).toEqual({ accepted: 3, rejected: [] });
  });
});
