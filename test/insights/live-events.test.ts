/**
 * The live raw-events view through the real Worker: a viewer's WebSocket (token as a subprotocol) gets its own
 * tenant's newest events within the request that brought them, filtered as it asks, and never another tenant's;
 * the ingest answer never depends on the live room.
 * @module
 */
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { createApp } from "../../src/edge/app.js";
import { forgetQuietTenants } from "../../src/edge/live/live-publish.js";
import { eventsRequest, type Sender, senderFor } from "../support/ingest.js";
import { uniqueTenant } from "../support/tenants.js";
import { readerToken } from "../support/tokens.js";
import { callWorker, callWorkerUnsettled, collectorRequest } from "../support/worker.js";

interface RoomMessage {
  kind: "ready" | "filter" | "events" | "error";
  events?: Record<string, unknown>[];
  filter?: unknown;
}

/** A connected viewer: every message the room sent, and a way to wait for the next of a kind. */
interface Viewer {
  socket: WebSocket;
  received: RoomMessage[];
  next(kind: RoomMessage["kind"]): Promise<RoomMessage>;
  events(): Record<string, unknown>[];
}

async function connect(tenant: string, scope = "insights:read"): Promise<Viewer> {
  const response = await callWorker(
    collectorRequest("/v1/live", {
      headers: {
        upgrade: "websocket",
        "sec-websocket-protocol": `audiogum-live, bearer.${await readerToken(tenant, scope)}`,
      },
    }),
  );
  expect(response.status).toBe(101);
  expect(response.headers.get("sec-websocket-protocol")).toBe("audiogum-live");
  const socket = response.webSocket!;
  const received: RoomMessage[] = [];
  const waiters: Array<{ kind: string; resolve: (message: RoomMessage) => void }> = [];
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data as string) as RoomMessage;
    received.push(message);
    const index = waiters.findIndex((waiter) => waiter.kind === message.kind);
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
  });
  socket.accept();
  const viewer: Viewer = {
    socket,
    received,
    next: (kind) => new Promise((resolve) => waiters.push({ kind, resolve })),
    events: () => received.flatMap((message) => message.events ?? []),
  };
  return viewer;
}

async function post(sender: Sender, events: readonly unknown[]): Promise<void> {
  const response = await callWorker(await eventsRequest(sender, events));
  expect(response.status).toBe(202);
}

beforeEach(() => forgetQuietTenants());

describe("a live viewer", () => {
  it("gets its tenant's events as they are posted, with their server fields", async () => {
    const sender = senderFor(uniqueTenant("live"));
    const viewer = await connect(sender.tenant);
    const arrived = viewer.next("events");
    await post(sender, seedEvents());

    const message = await arrived;
    expect(message.events).toHaveLength(seedEvents().length);
    expect(message.events![0]).toMatchObject({ ...seedEvents()[0], tenant: sender.tenant, userid: sender.userid });
    expect(message.events![0]).toHaveProperty("eventid");
    expect(message.events![0]).not.toHaveProperty("ip");
    viewer.socket.close();
  });

  it("never gets another tenant's events", async () => {
    const mine = senderFor(uniqueTenant("mine"));
    const theirs = senderFor(uniqueTenant("theirs"));
    const viewer = await connect(mine.tenant);
    const otherViewer = await connect(theirs.tenant);
    const theirsArrived = otherViewer.next("events");
    await post(theirs, seedEvents().slice(0, 3));
    await theirsArrived;
    const mineArrived = viewer.next("events");
    await post(mine, seedEvents().slice(3, 5));
    await mineArrived;

    expect(viewer.events().map((event) => event.tenant)).toEqual([mine.tenant, mine.tenant]);
    expect(otherViewer.events().map((event) => event.tenant)).toEqual([theirs.tenant, theirs.tenant, theirs.tenant]);
    viewer.socket.close();
    otherViewer.socket.close();
  });

  it("filters by type and by user when it asks to", async () => {
    const tenant = uniqueTenant("filter");
    const listener = senderFor(tenant);
    const other = { ...senderFor(tenant), userid: "another-user" };
    const viewer = await connect(tenant, "exports:read");
    await viewer.next("ready");
    const applied = viewer.next("filter");
    viewer.socket.send(JSON.stringify({ filter: { types: ["playevent"], userid: listener.userid } }));
    await applied;

    await post(other, seedEvents());
    const arrived = viewer.next("events");
    await post(listener, seedEvents());
    await arrived;
    const events = viewer.events();
    expect(events.length).toBe(seedEvents().filter((event) => event.type === "playevent").length);
    expect(new Set(events.map((event) => `${event.type} ${event.userid}`))).toEqual(
      new Set([`playevent ${listener.userid}`]),
    );
    viewer.socket.close();
  });

  it("is told what is wrong with a message it sends that is not a filter", async () => {
    const viewer = await connect(uniqueTenant("bad"));
    const error = viewer.next("error");
    viewer.socket.send("hello");
    expect((await error).kind).toBe("error");
    viewer.socket.close();
  });
});

describe("who may watch", () => {
  async function upgrade(protocols: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { upgrade: "websocket" };
    if (protocols !== undefined) headers["sec-websocket-protocol"] = protocols;
    return callWorker(collectorRequest("/v1/live", { headers }));
  }

  it("not a viewer without a token (401), nor with a device's events:write token (403)", async () => {
    expect((await upgrade("audiogum-live")).status).toBe(401);
    expect((await upgrade(`audiogum-live, bearer.${await readerToken("acme", "events:write")}`)).status).toBe(403);
  });

  it("not a plain GET (426 websocket_required)", async () => {
    const response = await callWorker(
      collectorRequest("/v1/live", {
        headers: { authorization: `Bearer ${await readerToken("acme", "insights:read")}` },
      }),
    );
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({ error: { code: "websocket_required" } });
  });
});

describe("the ingest request and the live room", () => {
  /** A LIVE_EVENTS stand-in whose room's publish does what `publish` says, counting calls. */
  function roomsThat(publish: () => Promise<number>): { rooms: Env["LIVE_EVENTS"]; calls: () => number } {
    let calls = 0;
    const rooms = {
      idFromName: (name: string) => env.LIVE_EVENTS.idFromName(name),
      get: () => ({
        publish: () => {
          calls++;
          return publish();
        },
      }),
    } as unknown as Env["LIVE_EVENTS"];
    return { rooms, calls: () => calls };
  }

  async function postWith(
    sender: Sender,
    rooms: Env["LIVE_EVENTS"],
  ): Promise<{ response: Response; settled(): Promise<void> }> {
    return callWorkerUnsettled(await eventsRequest(sender, seedEvents().slice(0, 2)), { LIVE_EVENTS: rooms });
  }

  it("is accepted (202) when the room fails", async () => {
    const { rooms, calls } = roomsThat(() => Promise.reject(new Error("room unavailable")));
    const { response, settled } = await postWith(senderFor(uniqueTenant("failing")), rooms);
    await settled();
    expect(response.status).toBe(202);
    expect(calls()).toBe(1);
  });

  it("is answered before the room has answered", async () => {
    let release: (viewers: number) => void = () => undefined;
    const { rooms, calls } = roomsThat(() => new Promise<number>((resolve) => (release = resolve)));
    const { response, settled } = await postWith(senderFor(uniqueTenant("slow")), rooms);
    expect(response.status).toBe(202);
    expect(calls()).toBe(1);
    release(0);
    await settled();
  });

  it("is accepted (202) when the app runs without an execution context to wait on", async () => {
    const response = await createApp().fetch(
      await eventsRequest(senderFor(uniqueTenant("no-ctx")), seedEvents().slice(0, 1)),
      env,
    );
    expect(response.status).toBe(202);
  });

  it("stops calling a room that has no viewers, for a few seconds", async () => {
    const { rooms, calls } = roomsThat(() => Promise.resolve(0));
    const sender = senderFor(uniqueTenant("quiet"));
    for (let request = 0; request < 3; request++) await (await postWith(sender, rooms)).settled();
    expect(calls()).toBe(1);
  });

  it("keeps calling a room that has viewers", async () => {
    const { rooms, calls } = roomsThat(() => Promise.resolve(1));
    const sender = senderFor(uniqueTenant("watched"));
    for (let request = 0; request < 3; request++) await (await postWith(sender, rooms)).settled();
    expect(calls()).toBe(3);
  });
});
