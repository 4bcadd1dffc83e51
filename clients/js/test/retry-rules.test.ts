/**
 * Each answer of the collector's contract against a loopback stand-in, and what the client must do with it:
 * resend (503, 429, network errors, timeouts) after an exponential, jittered backoff no shorter than Retry-After;
 * split on 413; drop and report what the server refused (a 202's rejections, 400 no_valid_events) or called
 * malformed; ask getToken again once on 401. After every rule, each event reached the server's accepted set
 * exactly once and in order, or was reported.
 * @module
 */
import { describe, expect, it } from "vitest";
import { errorAnswer } from "./support/fake-collector.js";
import { harness, pages, targetPages, trackAll } from "./support/test-client.js";

describe("503 and 429", () => {
  it("resends after Retry-After, backing off exponentially, and delivers each event once", async () => {
    const { fake, client, retries } = await harness();
    fake.script = [
      errorAnswer(503, "queue_unavailable", {}, 7),
      errorAnswer(503, "temporarily_unavailable", {}, 7),
      errorAnswer(429, "rate_limited", { limit: "device" }, 60),
      errorAnswer(503, "queue_unavailable"),
    ];
    await trackAll(client, 5);
    await client.flush();

    expect(retries.map(({ status, code }) => [status, code])).toEqual([
      [503, "queue_unavailable"],
      [503, "temporarily_unavailable"],
      [429, "rate_limited"],
      [503, "queue_unavailable"],
    ]);
    // Never sooner than Retry-After; without one, the jittered exponential step (1 s, 2 s, 4 s, 8 s; random 0.5).
    expect(retries.map((retry) => retry.delayMs)).toEqual([7_000, 7_000, 60_000, 6_000]);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 5));
    expect(fake.requests).toHaveLength(5);
    expect(await client.queued()).toBe(0);
  });

  it("jitters each step between half and all of it, and caps it", async () => {
    for (const random of [0, 0.999999]) {
      const { fake, client, retries } = await harness({ random: () => random, retry: { maxDelayMs: 5_000 } });
      fake.script = Array.from({ length: 5 }, () => errorAnswer(503, "queue_unavailable"));
      await trackAll(client, 1);
      await client.flush();
      const steps = [1_000, 2_000, 4_000, 5_000, 5_000];
      expect(retries.map((retry) => retry.delayMs)).toEqual(
        steps.map((step) => Math.round(step / 2 + (random * step) / 2)),
      );
    }
  });

  it("caps a Retry-After past maxRetryAfterMs", async () => {
    const { fake, client, retries } = await harness({ retry: { maxRetryAfterMs: 120_000 } });
    fake.script = [errorAnswer(429, "quota_exceeded", {}, 30 * 24 * 3600)];
    await trackAll(client, 1);
    await client.flush();
    expect(retries.map((retry) => retry.delayMs)).toEqual([120_000]);
  });
});

describe("network errors and timeouts", () => {
  it("resends after a dropped connection and after no answer at all", async () => {
    const { fake, client, retries } = await harness({ requestTimeoutMs: 200 });
    fake.script = ["drop", "hang", "drop"];
    await trackAll(client, 3);
    await client.flush();
    expect(retries.map((retry) => retry.code)).toEqual(["network_error", "timeout", "network_error"]);
    expect(retries.map((retry) => retry.delayMs)).toEqual([750, 1_500, 3_000]);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 3));
  });

  it("resends the same events when the server accepted them but the answer was lost (the ids make it safe)", async () => {
    const { fake, client } = await harness();
    fake.script = [
      (request) => {
        fake.accepted.push(...request.body.events);
        return "drop";
      },
    ];
    await trackAll(client, 2);
    await client.flush();
    const [first, second] = fake.requests;
    expect(second?.body.events).toEqual(first?.body.events);
    expect(targetPages(fake.accepted)).toEqual([...pages(0, 2), ...pages(0, 2)]);
  });
});

describe("413", () => {
  it("splits the batch, keeps the order, and takes the limits the answer names", async () => {
    const { fake, client } = await harness();
    const tooMany = errorAnswer(413, "too_many_events", { limits: { max_events_per_request: 3 } });
    fake.script = [tooMany];
    await trackAll(client, 8);
    await client.flush();
    expect(fake.requests.map((request) => request.body.events.length)).toEqual([8, 3, 3, 2]);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 8));
  });

  it("halves the batch when the answer names no limits", async () => {
    const { fake, client } = await harness();
    const payloadTooLarge = errorAnswer(413, "payload_too_large");
    fake.script = [payloadTooLarge, payloadTooLarge];
    await trackAll(client, 9);
    await client.flush();
    expect(fake.requests.map((request) => request.body.events.length)).toEqual([9, 4, 2, 2, 2, 2, 1]);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 9));
  });

  it("drops a single event that is too large alone, and reports it", async () => {
    const { fake, client, dropped } = await harness();
    fake.script = [errorAnswer(413, "payload_too_large")];
    await trackAll(client, 1);
    await client.flush();
    expect(dropped.map(({ events, reason }) => [targetPages(events), reason])).toEqual([[["page-0"], "too_large"]]);
    expect(fake.accepted).toEqual([]);
    expect(await client.queued()).toBe(0);
  });
});

describe("events the server refuses", () => {
  it("reports a 202's rejections with their events and errors, and never resends them", async () => {
    const { fake, client, rejected } = await harness();
    const errors = [{ path: "targetpage", code: "invalid_type", message: "must be a string" }];
    fake.script = [{ status: 202, body: { accepted: 2, rejected: [{ index: 1, errors }] } }];
    await trackAll(client, 3);
    await client.flush();
    expect(
      rejected.map(({ event, errors }) => [event.type, (event as { targetpage?: string }).targetpage, errors]),
    ).toEqual([["navigationevent", "page-1", errors]]);
    expect(targetPages(fake.accepted)).toEqual(["page-0", "page-2"]);
    expect(fake.requests).toHaveLength(1);
  });

  it("drops a batch answered 400 no_valid_events and reports every event", async () => {
    const { fake, client, rejected } = await harness();
    const errors = [{ path: "", code: "custom", message: "no" }];
    fake.script = [errorAnswer(400, "no_valid_events", {})];
    fake.script[0] = {
      status: 400,
      body: { accepted: 0, rejected: [0, 1].map((index) => ({ index, errors })), error: { code: "no_valid_events" } },
    };
    await trackAll(client, 2);
    await client.flush();
    expect(rejected.map(({ event }) => (event as { targetpage?: string }).targetpage)).toEqual(pages(0, 2));
    expect(fake.requests).toHaveLength(1);
    expect(await client.queued()).toBe(0);
  });

  it("drops a request the server calls malformed, and reports it; an incomplete body or a proxy's 400 is retried", async () => {
    const { fake, client, dropped, retries } = await harness();
    fake.script = [
      { status: 400, body: "<html>bad gateway</html>" },
      errorAnswer(400, "body_incomplete"),
      errorAnswer(400, "invalid_envelope"),
    ];
    await trackAll(client, 2);
    await client.flush();
    expect(retries.map((retry) => [retry.status, retry.code])).toEqual([
      [400, undefined],
      [400, "body_incomplete"],
    ]);
    expect(dropped.map(({ reason, events }) => [reason, events.length])).toEqual([["malformed_request", 2]]);
  });

  it("sends plain JSON once the server refuses gzip", async () => {
    const { fake, client } = await harness({ gzip: true });
    fake.script = [errorAnswer(415, "unsupported_content_encoding")];
    await trackAll(client, 2);
    await client.flush();
    expect(fake.requests.map((request) => request.headers["content-encoding"])).toEqual(["gzip", undefined]);
    expect(targetPages(fake.accepted)).toEqual(pages(0, 2));
  });
});

describe("401", () => {
  it("asks getToken again once and resends with the new token", async () => {
    const reasons: string[] = [];
    let issued = 0;
    const { fake, client, retries } = await harness({
      token: undefined,
      getToken: ({ reason }) => {
        reasons.push(reason);
        return `token-${++issued}`;
      },
    });
    fake.script = [errorAnswer(401, "unauthorized")];
    await trackAll(client, 1);
    await client.flush();
    expect(reasons).toEqual(["initial", "unauthorized"]);
    expect(fake.requests.map((request) => request.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(retries).toEqual([]);
  });

  it("backs off when the new token is refused too, keeping the events, and asks once more next time", async () => {
    let issued = 0;
    const { fake, client, retries } = await harness({ token: undefined, getToken: () => `token-${++issued}` });
    fake.script = [
      errorAnswer(401, "unauthorized"),
      errorAnswer(401, "unauthorized"),
      errorAnswer(401, "unauthorized"),
    ];
    await trackAll(client, 1);
    await client.flush();
    expect(retries.map((retry) => retry.status)).toEqual([401]);
    expect(fake.requests.map((request) => request.headers.authorization)).toEqual([
      "Bearer token-1",
      "Bearer token-2",
      "Bearer token-2",
      "Bearer token-3",
    ]);
    expect(targetPages(fake.accepted)).toEqual(["page-0"]);
  });
});
