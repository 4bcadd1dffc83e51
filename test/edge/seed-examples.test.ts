import { describe, expect, it } from "vitest";
import { seedExamples, seedEvents } from "../../fixtures/seed-events.js";
import { envelope, postEvents } from "../support/ingest.js";
import { recordingQueue } from "../support/recording-queue.js";

describe("every example of the Audiogum events document", () => {
  it.each(seedExamples().map((example) => [example.name, example.event] as const))("accepts %s", async (_, event) => {
    const response = await postEvents(envelope([event]));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, rejected: [] });
  });

  it("accepts all of them in one batch and queues each one, fields intact", async () => {
    const recorder = recordingQueue();
    const events = seedEvents();
    const response = await postEvents(envelope(events), { env: { EVENTS: recorder.queue } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    const queued = recorder.events();
    expect(queued).toHaveLength(events.length);
    for (const [index, event] of queued.entries()) expect(event).toMatchObject(events[index]!);
  });
});
