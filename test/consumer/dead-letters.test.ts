/**
 * Dead letters: whatever the queue could not deliver (or the consumer cannot read) is kept in R2 byte for byte,
 * logged, and can be sent back through the pipeline by POST /admin/redrive.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { seedEvents } from "../../fixtures/seed-events.js";
import { asQueuedMessages, deliver, EVENTS_QUEUE } from "../support/deliver.js";
import { callWorker, collectorRequest, type QueuedMessage } from "../support/worker.js";
import { exportedLines, listKeys } from "../support/export-objects.js";
import { failAlways, failOnce } from "../support/faults.js";
import { DEAD_LETTER_RETRY_BACKOFF, retryDelaySeconds } from "../../src/core/foundation/retry-backoff.js";
import { releaseHeldDeadLetters } from "../../src/consumer/release-held-dead-letters.js";
import { acceptedMessageBodies, eventsRequest, senderFor } from "../support/ingest.js";
import { eventsOf } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";
import { DAY_MS } from "../support/time.js";

const DLQ = "audiogum-events-dlq";

/** Bodies no consumer can read, with bytes that a careless copy would change. */
const POISON_BODIES = [
  "not json at all",
  '{"v":1,"tenant":"Not A Tenant","events":[]}',
  '  {"v": 2, "tenant": "zürich", "events": [{"note": "emoji 🎧, a BOM \uFEFF, CRLF\r\n, tab\t"}]}\n',
  "",
];

function utf8(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

async function storedBytes(key: string): Promise<number[]> {
  const object = await env.EXPORTS.get(key);
  if (!object) throw new Error(`no dead letter at ${key}`);
  return [...new Uint8Array(await object.arrayBuffer())];
}

function deadLetterKeyOf(message: QueuedMessage): string {
  return `_deadletter/${message.timestamp.toISOString().slice(0, 10)}/${message.id}.json`;
}

describe("the dead-letter queue consumer", () => {
  it("keeps every dead message byte for byte at _deadletter/{yyyy-mm-dd}/{message id}.json and acks it", async () => {
    const valid = await acceptedMessageBodies(senderFor(uniqueTenant("dlq")), seedEvents());
    const messages = asQueuedMessages([...valid, ...POISON_BODIES]).map((message) => ({ ...message, attempts: 11 }));

    const result = await deliver(messages, {}, DLQ);

    expect(result.acked).toHaveLength(messages.length);
    for (const message of messages) {
      expect(await storedBytes(deadLetterKeyOf(message))).toEqual(utf8(message.body));
    }
  });

  it("records the queue, attempts and first-queued time of each dead letter", async () => {
    const [message] = asQueuedMessages(["dead"]).map((queued) => ({ ...queued, attempts: 11 }));

    await deliver([message!], {}, DLQ);

    const object = await env.EXPORTS.head(deadLetterKeyOf(message!));
    expect(object!.customMetadata).toMatchObject({
      queue: DLQ,
      attempts: "11",
      timestamp: message!.timestamp.toISOString(),
    });
  });

  it("logs one deadletter line per dead letter", async () => {
    const warn = vi.spyOn(console, "warn");
    const messages = asQueuedMessages(POISON_BODIES);

    await deliver(messages, {}, DLQ);

    const lines = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    const deadletterLines = lines.filter((line) => line.msg === "deadletter");
    expect(deadletterLines.map((line) => line.message_id).sort()).toEqual(messages.map((message) => message.id).sort());
    warn.mockRestore();
  });

  it("retries a dead letter that neither R2 nor D1 can store, instead of dropping it", async () => {
    const messages = asQueuedMessages(["keep me"]);

    const bindings = { EXPORTS: failOnce(env.EXPORTS, "put", "before").binding, DB: failAlways(env.DB, "prepare") };
    const failed = await deliver(messages, bindings, DLQ);
    expect(failed.retried).toHaveLength(1);
    const retried = await deliver(
      messages.map((message) => ({ ...message, attempts: 2 })),
      {},
      DLQ,
    );

    expect(retried.acked).toHaveLength(1);
    expect(await storedBytes(deadLetterKeyOf(messages[0]!))).toEqual(utf8("keep me"));
  });
});

describe("dead letters during an R2 outage", () => {
  const r2Down = () => failAlways(env.EXPORTS, "put");

  function logLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
    return spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
  }

  async function heldKeys(): Promise<string[]> {
    const { results } = await env.DB.prepare("SELECT key FROM held_dead_letters").all<{ key: string }>();
    return results.map((row) => row.key);
  }

  it("are held in D1 and acked when R2 refuses them, with an alert-worthy error line", async () => {
    const error = vi.spyOn(console, "error");
    const messages = asQueuedMessages(["held one", "held two 🎧"]).map((message) => ({ ...message, attempts: 11 }));

    const result = await deliver(messages, { EXPORTS: r2Down() }, DLQ);

    expect(result.acked).toHaveLength(2);
    expect(await heldKeys()).toEqual(expect.arrayContaining(messages.map(deadLetterKeyOf)));
    for (const message of messages) expect(await env.EXPORTS.head(deadLetterKeyOf(message))).toBeNull();
    const held = logLines(error).filter((line) => line.msg === "deadletter_held");
    expect(held.map((line) => line.message_id).sort()).toEqual(messages.map((message) => message.id).sort());
    error.mockRestore();
    await releaseHeldDeadLetters(env, Date.now());
  });

  it("stay held through a week of R2 failing, reported by every cron run, then land in R2 byte for byte", async () => {
    const [message] = asQueuedMessages(["outage of a week: ünïcödé"]).map((queued) => ({ ...queued, attempts: 11 }));
    await deliver([message!], { EXPORTS: r2Down() }, DLQ);
    const error = vi.spyOn(console, "error");

    const start = Date.now();
    for (let day = 1; day <= 7; day++) {
      await releaseHeldDeadLetters({ ...env, EXPORTS: r2Down() }, start + day * DAY_MS);
    }
    const backlog = logLines(error).filter((line) => line.msg === "deadletter_backlog");
    expect(backlog).toHaveLength(7);
    expect(backlog.at(-1)).toMatchObject({ level: "error", oldest_age_hours: 7 * 24 });
    expect(await heldKeys()).toContain(deadLetterKeyOf(message!));
    error.mockRestore();

    await releaseHeldDeadLetters(env, start + 8 * DAY_MS);

    expect(await storedBytes(deadLetterKeyOf(message!))).toEqual(utf8("outage of a week: ünïcödé"));
    expect((await env.EXPORTS.head(deadLetterKeyOf(message!)))!.customMetadata).toMatchObject({
      queue: DLQ,
      attempts: "11",
      reason: "retries_exhausted",
    });
    expect(await heldKeys()).not.toContain(deadLetterKeyOf(message!));
  });

  it("wait between retries long enough that the DLQ's 100 retries outlast a 7-day outage of both stores", () => {
    let waited = 0;
    for (let attempts = 1; attempts <= 100; attempts++)
      waited += retryDelaySeconds(attempts, DEAD_LETTER_RETRY_BACKOFF);
    expect(waited * 1000).toBeGreaterThan(7 * DAY_MS);
    expect(retryDelaySeconds(1000, DEAD_LETTER_RETRY_BACKOFF)).toBe(12 * 60 * 60);
  });
});

describe("a poison message on the events queue", () => {
  it("is kept as a dead letter byte for byte and acked, without holding back the other messages", async () => {
    const tenant = uniqueTenant("poison");
    const valid = asQueuedMessages(await acceptedMessageBodies(senderFor(tenant), seedEvents()));
    const poison = asQueuedMessages(POISON_BODIES);

    const result = await deliver([...poison, ...valid], {}, EVENTS_QUEUE);

    expect(result.acked).toHaveLength(poison.length + valid.length);
    expect(await exportedLines(tenant)).toHaveLength(seedEvents().length);
    for (const message of poison) {
      expect(await storedBytes(deadLetterKeyOf(message))).toEqual(utf8(message.body));
      expect((await env.EXPORTS.head(deadLetterKeyOf(message)))!.customMetadata).toMatchObject({
        queue: EVENTS_QUEUE,
        reason: "poison",
      });
    }
  });

  it("sent through the real queue, reaches _deadletter/ byte for byte", async () => {
    const body = `{"poison": "${crypto.randomUUID()}", "ünïcödé": "🎧"}`;
    await env.EVENTS.send(body, { contentType: "text" });

    const stored = async () => {
      for (const key of await listKeys("_deadletter/")) {
        if ((await storedBytes(key)).join() === utf8(body).join()) return true;
      }
      return false;
    };
    await vi.waitUntil(stored, { timeout: 10_000, interval: 50 });
  });
});

describe("POST /admin/redrive", () => {
  async function redrive(query: string, token: string | null = env.ADMIN_TOKEN): Promise<Response> {
    return callWorker(
      collectorRequest(`/admin/redrive${query}`, {
        method: "POST",
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      }),
    );
  }

  it("refuses a request without the admin token, or with a device's or a wrong one", async () => {
    const deviceToken = (await eventsRequest(senderFor(uniqueTenant("admin")), [])).headers
      .get("authorization")!
      .slice(7);
    expect((await redrive("", null)).status).toBe(401);
    expect((await redrive("", deviceToken)).status).toBe(401);
    expect((await redrive("", "not-the-admin-token")).status).toBe(401);
    expect((await redrive("", `${env.ADMIN_TOKEN}x`)).status).toBe(401);
  });

  it.each([
    ["limit=0", /^limit must be from 1 to 1000/],
    ["limit=1001", /^limit must be from 1 to 1000/],
    ["limit=ten", /^limit must be a whole number from 1 to 1000/],
    ["limit=1&limit=2", /^limit is given more than once/],
  ])("answers ?%s with 400 invalid_query, as the export listing does", async (query, message) => {
    const response = await redrive(`?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_query");
    expect(body.error.message).toMatch(message);
  });

  it("sends dead letters back to the events queue, deletes them, and their events are exported once", async () => {
    const tenant = uniqueTenant("redrive");
    const bodies = await acceptedMessageBodies(senderFor(tenant), seedEvents());
    const dead = asQueuedMessages(bodies);
    await deliver(dead, {}, DLQ);
    const before = new Date(Date.now() + 1000).toISOString();

    const pages: { redriven: number; skipped: number; next: string | null }[] = [];
    let after: string | null = null;
    do {
      const response = await redrive(`?limit=2&before=${before}${after ? `&after=${encodeURIComponent(after)}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as (typeof pages)[number];
      pages.push(page);
      after = page.next;
    } while (after);

    for (const message of dead) expect(await env.EXPORTS.head(deadLetterKeyOf(message))).toBeNull();
    expect(pages.reduce((total, page) => total + page.redriven, 0)).toBeGreaterThanOrEqual(dead.length);
    await vi.waitUntil(async () => (await listKeys(`${tenant}/`)).length > 0, { timeout: 10_000, interval: 50 });
    const lines = await exportedLines(tenant);
    expect(lines.map((line) => line.eventid).sort()).toEqual(
      eventsOf(bodies)
        .map((event) => event.eventid)
        .sort(),
    );
  });

  it("leaves dead letters stored after `before` for a later run", async () => {
    const [late] = asQueuedMessages(["died during the redrive"]);
    await deliver([late!], {}, DLQ);

    let after: string | null = null;
    let skipped = 0;
    do {
      const response = await redrive(
        `?before=2000-01-01T00:00:00Z${after ? `&after=${encodeURIComponent(after)}` : ""}`,
      );
      const page = (await response.json()) as { redriven: number; skipped: number; next: string | null };
      expect(page.redriven).toBe(0);
      skipped += page.skipped;
      after = page.next;
    } while (after);

    expect(skipped).toBeGreaterThanOrEqual(1);
    expect(await storedBytes(deadLetterKeyOf(late!))).toEqual(utf8("died during the redrive"));
  });
});
