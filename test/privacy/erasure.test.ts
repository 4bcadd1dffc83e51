/**
 * Erasing a user (issue 15, docs/privacy.md) end to end inside workerd: the admin route, the erasures queue's
 * slices through the real queue handler, R2 and D1; then every object under the tenant's prefix is scanned.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { countEventTypes } from "../../src/core/exports/event-type-counts.js";
import { dayOfStoredKey } from "../../src/core/exports/export-key.js";
import type { DayManifest } from "../../src/core/exports/export-listing.js";
import type { QueuedEvent } from "../../src/core/exports/tenant-groups.js";
import { useridHash } from "../../src/core/privacy/userid-hash.js";
import { MAX_ERASURE_ATTEMPTS } from "../../src/consumer/erase-user.js";
import type { Timing } from "../support/faults.js";
import { failOnce } from "../support/faults.js";
import {
  countLinesOf,
  ERASURE_QUEUE,
  erasureStatus,
  filesOfUsers,
  linesByKey,
  linesNotOf,
  requestErasure,
  runErasure,
} from "../support/erasures.js";
import { asQueuedMessages, deliver } from "../support/deliver.js";
import { getAs } from "../support/export-files.js";
import { acceptedMessageBodies, type Sender } from "../support/ingest.js";
import { shardCommittedKeys } from "../support/ledger.js";
import { seedEvents } from "../../fixtures/seed-events.js";
import { recordingQueue } from "../support/recording-queue.js";
import { uniqueTenant } from "../support/tenants.js";

const TARGET = "user-to-erase";
const OTHERS: [string, string] = ["user-a", "user-b"];

async function erasedTenant(label: string, bindingsFor?: (delivery: number) => Partial<Env>) {
  const tenant = uniqueTenant(label);
  const { files } = await filesOfUsers(tenant, TARGET, OTHERS);
  const before = await linesByKey(`${tenant}/`);
  const erasure = await requestErasure(tenant, { userid: TARGET, requestedby: "dpo@example.com" });
  await runErasure(erasure, bindingsFor);
  const after = await linesByKey(`${tenant}/`);
  return { tenant, files, before, after, status: await erasureStatus(tenant, erasure.id), id: erasure.id };
}

describe("an erasure removes the user's lines from every export file of the tenant", () => {
  it("leaves zero lines of the user and every other line byte for byte, under the same keys", async () => {
    const { files, before, after, status } = await erasedTenant("erase");
    expect(countLinesOf(before, TARGET)).toBe(4 + 3 + 2 + 4);
    expect(countLinesOf(after, TARGET)).toBe(0);
    expect(after).toEqual(linesNotOf(before, TARGET));
    expect(after.has(files.targetOnly!.key)).toBe(false);
    expect(status.status).toBe("done");
    expect(status.counts).toMatchObject({
      files_listed: 6,
      files_holding_user: 4,
      files_rewritten: 3,
      files_deleted: 1,
      lines_removed: 13,
    });
  });

  it("reads only the files the userid filter names, and those written before the filter", async () => {
    const { status } = await erasedTenant("erase-examined");
    // mixed, targetOnly, mixedTwo by their filter; legacyWithTarget and legacyWithout because they have none.
    expect(status.counts.files_examined).toBe(5);
    expect(status.counts.files_holding_user).toBe(4);
  });

  it("shows the new ETags and sizes in the pull API, and no longer lists an emptied file", async () => {
    const { tenant, files } = await erasedTenant("erase-pull");
    const listing = (await (await getAs(tenant, "/v1/exports?limit=100")).json()) as {
      files: Array<{ key: string; etag: string; size: number; events: number }>;
    };
    const listed = new Map(listing.files.map((file) => [file.key, file]));
    expect(listed.has(files.targetOnly!.key)).toBe(false);
    for (const name of ["mixed", "mixedTwo", "legacyWithTarget"]) {
      const file = files[name]!;
      const head = await env.EXPORTS.head(file.key);
      expect(listed.get(file.key)?.etag).toBe(head!.etag);
      expect(head!.etag).not.toBe(file.etag);
      expect(listed.get(file.key)?.size).toBe(head!.size);
    }
    expect(listed.get(files.mixed!.key)?.events).toBe(4);
    expect(listed.get(files.othersOnly!.key)?.etag).toBe(files.othersOnly!.etag);
    const row = await env.DB.prepare("SELECT erased_at FROM export_files WHERE key = ?1")
      .bind(files.targetOnly!.key)
      .first<{ erased_at: number | null }>();
    expect(row?.erased_at).toEqual(expect.any(Number));
  });
});

describe("files the consumer exported (their manifest in the ledger shards)", () => {
  it("are rewritten or unlisted there too, and the pull API shows it", async () => {
    const tenant = uniqueTenant("erase-shards");
    const target: Sender = { tenant, userid: TARGET, deviceid: "speaker-1" };
    const other: Sender = { tenant, userid: "user-a", deviceid: "speaker-2" };
    const events = seedEvents();
    const shared = [
      ...(await acceptedMessageBodies(target, events.slice(0, 3))),
      ...(await acceptedMessageBodies(other, events.slice(0, 3))),
    ];
    await deliver(asQueuedMessages(shared));
    await deliver(asQueuedMessages(await acceptedMessageBodies(target, events.slice(3, 6))));
    const before = await linesByKey(`${tenant}/`);
    expect(before.size).toBe(2);
    const [sharedKey, targetKey] = [...before.entries()]
      .sort(([, a], [, b]) => b.length - a.length)
      .map(([key]) => key);

    const erasure = await requestErasure(tenant, { userid: TARGET });
    await runErasure(erasure);

    expect(await linesByKey(`${tenant}/`)).toEqual(linesNotOf(before, TARGET));
    expect(await shardCommittedKeys(tenant)).toEqual([sharedKey]);
    const listing = (await (await getAs(tenant, "/v1/exports?limit=100")).json()) as {
      files: Array<{ key: string; etag: string; events: number }>;
    };
    const head = await env.EXPORTS.head(sharedKey!);
    expect(listing.files).toEqual([expect.objectContaining({ key: sharedKey, etag: head!.etag, events: 3 })]);
    expect((await getAs(tenant, `/v1/exports/${targetKey}`)).status).toBe(404);
  });
});

describe("the day manifest after an erasure", () => {
  it("counts the rewritten files as they now are: events, types, events of earlier days, first and last", async () => {
    const tenant = uniqueTenant("erase-manifest");
    const target: Sender = { tenant, userid: TARGET, deviceid: "speaker-1" };
    const other: Sender = { tenant, userid: "user-a", deviceid: "speaker-2" };
    // The target's events happened yesterday (an offline device); the other's long ago (eventtime = receivedat).
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
    const late = seedEvents().map((event) => ({ ...event, localtime: yesterday }));
    const shared = [
      ...(await acceptedMessageBodies(target, late.slice(0, 2))),
      ...(await acceptedMessageBodies(other, seedEvents().slice(0, 3))),
    ];
    await deliver(asQueuedMessages(shared));
    const [key] = (await linesByKey(`${tenant}/`)).keys();
    const day = dayOfStoredKey(key!);
    const before = await dayManifestOf(tenant, day);
    expect(before).toMatchObject({ events: 5, events_from_earlier_days: 2 });

    await runErasure(await requestErasure(tenant, { userid: TARGET }));

    const kept = (await linesByKey(`${tenant}/`)).get(key!)!.map((line) => JSON.parse(line) as QueuedEvent);
    const received = kept.map((event) => event.receivedat).sort();
    const after = await dayManifestOf(tenant, day);
    expect(after).toMatchObject({
      events: 3,
      types: countEventTypes(kept),
      events_from_earlier_days: 0,
      first: received[0],
      last: received.at(-1),
    });
    expect(after.files).toEqual([expect.objectContaining({ key, events: 3, first: received[0] })]);
    const head = await env.EXPORTS.head(key!);
    expect(head?.customMetadata).toMatchObject({ events: "3", first_receivedat: received[0] });
  });
});

async function dayManifestOf(tenant: string, day: string): Promise<DayManifest> {
  const response = await getAs(tenant, `/v1/exports/days/${day}`);
  expect(response.status).toBe(200);
  return (await response.json()) as DayManifest;
}

describe("the erasure's audit record", () => {
  it("keeps who asked, when and the counts, and the userid only as its SHA-256", async () => {
    const { id, status } = await erasedTenant("erase-audit");
    expect(status.requestedby).toBe("dpo@example.com");
    expect(status.userid_sha256).toBe(await useridHash(TARGET));
    expect(status.finished_at).toEqual(expect.any(String));
    expect(JSON.stringify(status)).not.toContain(TARGET);
    const row = await env.DB.prepare("SELECT * FROM erasures WHERE id = ?1").bind(id).first();
    expect(row?.userid).toBeNull();
    expect(JSON.stringify(row)).not.toContain(TARGET);
  });

  it("is listed with the tenant's other erasures", async () => {
    const { tenant, id } = await erasedTenant("erase-list");
    const response = await getAs(tenant, `/admin/tenants/${tenant}/erasures`, {}, "test-admin-token");
    const body = (await response.json()) as { erasures: Array<{ id: string; status: string }> };
    expect(body.erasures).toEqual([expect.objectContaining({ id, status: "done" })]);
  });
});

describe("an erasure interrupted at any step of a rewrite, then run again, ends the same", () => {
  const steps: Array<[string, "put" | "delete", Timing, "EXPORTS"] | [string, "batch", Timing, "DB"]> = [
    ["the rewritten file's put fails before storing", "put", "before", "EXPORTS"],
    ["the rewritten file is stored but the Worker dies", "put", "after", "EXPORTS"],
    ["the manifest and counters' transaction fails", "batch", "before", "DB"],
    ["the manifest and counters are written but the Worker dies", "batch", "after", "DB"],
    ["the emptied file's delete fails", "delete", "before", "EXPORTS"],
    ["the emptied file is deleted but the Worker dies", "delete", "after", "EXPORTS"],
  ];
  it.each(steps)("%s", async (_name, method, timing, binding) => {
    const clean = await erasedTenant("erase-clean");
    let fault: ReturnType<typeof failOnce<object>> | undefined;
    const faulty = await erasedTenant(`erase-${method}-${timing}`, (delivery) => {
      if (delivery !== 1) return {};
      fault = failOnce(env[binding] as object, method, timing);
      return { [binding]: fault.binding } as Partial<Env>;
    });
    expect(fault?.fired()).toBe(true);
    expect(countLinesOf(faulty.after, TARGET)).toBe(0);
    expect(faulty.after).toEqual(linesNotOf(faulty.before, TARGET));
    expect(faulty.status.status).toBe("done");
    // What was listed and read depends on where the run stopped (a slice run again lists and reads again, an
    // emptied file deleted before the death is not listed again); what was removed does not.
    const { files_examined: _examined, files_listed: _listed, ...counts } = faulty.status.counts;
    const { files_examined: _cleanExamined, files_listed: _cleanListed, ...cleanCounts } = clean.status.counts;
    expect(counts).toEqual(cleanCounts);
  });

  it("a second erasure of the same user changes nothing", async () => {
    const { tenant, after } = await erasedTenant("erase-twice");
    const again = await requestErasure(tenant, { userid: TARGET });
    await runErasure(again);
    expect(await linesByKey(`${tenant}/`)).toEqual(after);
    const status = await erasureStatus(tenant, again.id);
    expect(status.counts).toMatchObject({ files_holding_user: 0, lines_removed: 0 });
  });
});

describe("an erasure whose slice fails on the queue's last counted attempt is failed for good", () => {
  it("is marked failed and settled there; a later delivery of its message leaves it failed, keeping the userid", async () => {
    const tenant = uniqueTenant("erase-failed");
    await filesOfUsers(tenant, TARGET, OTHERS);
    const erasure = await requestErasure(tenant, { userid: TARGET });
    const [message] = asQueuedMessages(erasure.slices.bodies());
    const sent = erasure.slices.bodies().length;

    const fault = failOnce(env.EXPORTS, "list", "before");
    const last = await deliver(
      [{ ...message!, attempts: MAX_ERASURE_ATTEMPTS }],
      { ERASURES: erasure.slices.queue, EXPORTS: fault.binding },
      ERASURE_QUEUE,
    );
    expect(fault.fired()).toBe(true);
    expect(last.retried).toEqual([]);
    expect((await erasureStatus(tenant, erasure.id)).status).toBe("failed");

    // The queue may still hand the message over (max_retries allows one more delivery, or it is a duplicate).
    const later = await deliver(
      [{ ...message!, attempts: MAX_ERASURE_ATTEMPTS + 1 }],
      { ERASURES: erasure.slices.queue },
      ERASURE_QUEUE,
    );
    expect(later.retried).toEqual([]);
    expect(erasure.slices.bodies()).toHaveLength(sent);
    expect((await erasureStatus(tenant, erasure.id)).status).toBe("failed");
    const row = await env.DB.prepare("SELECT userid FROM erasures WHERE id = ?1").bind(erasure.id).first();
    expect(row?.userid).toBe(TARGET);
  });
});

describe("a bad erasure request", () => {
  it("answers 400 invalid_erasure without echoing the body, 404 for an unknown erasure", async () => {
    const tenant = uniqueTenant("erase-bad");
    const slices = recordingQueue({ forwardTo: null });
    const { callWorker, collectorRequest } = await import("../support/worker.js");
    const post = (body: string) =>
      callWorker(
        collectorRequest(`/admin/tenants/${tenant}/erasures`, {
          method: "POST",
          headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
          body,
        }),
        { ERASURES: slices.queue },
      );
    const missing = await post(JSON.stringify({ suppress: true }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("invalid_erasure");
    const notJson = await post("{");
    expect(notJson.status).toBe(400);
    const unknown = await getAs(tenant, `/admin/tenants/${tenant}/erasures/nope`, {}, "test-admin-token");
    expect(unknown.status).toBe(404);
    expect(slices.bodies()).toEqual([]);
  });
});
