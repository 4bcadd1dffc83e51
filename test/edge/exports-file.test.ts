/**
 * GET /v1/exports/{key}: the stored gzip bytes of a committed file of the caller's, with ETag, 304 and 206; every
 * other key gets the very same 404.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getAs, storeExportFile } from "../support/export-files.js";
import { gunzipText } from "../support/export-objects.js";
import { noonDaysAgo } from "../support/time.js";
import { readerToken } from "../support/tokens.js";
import { uniqueTenant } from "../support/tenants.js";

async function storedBytes(key: string): Promise<Uint8Array> {
  const object = await env.EXPORTS.get(key);
  return new Uint8Array(await object!.arrayBuffer());
}

describe("downloading an export file", () => {
  it("streams the object as stored: gzip bytes, application/gzip, no Content-Encoding, with its ETag", async () => {
    const tenant = uniqueTenant("get");
    const file = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    const response = await getAs(tenant, `/v1/exports/${file.key}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get("etag")).toBe(`"${file.etag}"`);
    expect(response.headers.get("content-length")).toBe(String(file.size));
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes).toEqual(await storedBytes(file.key));
    const lines = (await gunzipText(bytes.buffer as ArrayBuffer)).trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { eventid: string }).eventid)).toEqual(
      file.events.map((event) => event.eventid),
    );
  });

  it("accepts the key with its slashes encoded as %2F", async () => {
    const tenant = uniqueTenant("encoded");
    const file = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    const response = await getAs(tenant, `/v1/exports/${encodeURIComponent(file.key)}`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(await storedBytes(file.key));
  });

  it("answers If-None-Match with the file's etag with 304 and no body", async () => {
    const tenant = uniqueTenant("etag");
    const file = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    for (const ifNoneMatch of [`"${file.etag}"`, `W/"${file.etag}"`, `"other", "${file.etag}"`, "*"]) {
      const response = await getAs(tenant, `/v1/exports/${file.key}`, { "if-none-match": ifNoneMatch });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(response.headers.get("etag")).toBe(`"${file.etag}"`);
      expect(await response.text()).toBe("");
    }
    const stale = await getAs(tenant, `/v1/exports/${file.key}`, { "if-none-match": '"not-this-one"' });
    expect(stale.status).toBe(200);
  });

  it("answers a Range with 206, Content-Range and exactly those bytes", async () => {
    const tenant = uniqueTenant("range");
    const file = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    const whole = await storedBytes(file.key);
    const cases: Array<[string, number, number]> = [
      ["bytes=0-9", 0, 9],
      ["bytes=10-", 10, file.size - 1],
      ["bytes=-16", file.size - 16, file.size - 1],
      [`bytes=5-${file.size + 100}`, 5, file.size - 1],
    ];
    for (const [range, first, last] of cases) {
      const response = await getAs(tenant, `/v1/exports/${file.key}`, { range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get("content-range")).toBe(`bytes ${first}-${last}/${file.size}`);
      expect(response.headers.get("content-length")).toBe(String(last - first + 1));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(whole.slice(first, last + 1));
    }
  });

  it("answers a Range past the end with 416 and the size, and ignores a multi-range (whole file)", async () => {
    const tenant = uniqueTenant("range-bad");
    const file = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    const past = await getAs(tenant, `/v1/exports/${file.key}`, { range: `bytes=${file.size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${file.size}`);
    const multi = await getAs(tenant, `/v1/exports/${file.key}`, { range: "bytes=0-1,4-5" });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(file.size);
  });

  it("refuses a device token (events:write only) with 403", async () => {
    const tenant = uniqueTenant("device-get");
    const file = await storeExportFile(tenant, { writtenAt: noonDaysAgo(2) });
    const response = await getAs(tenant, `/v1/exports/${file.key}`, {}, await readerToken(tenant, "events:write"));
    expect(response.status).toBe(403);
  });
});

describe("keys that are not a committed file of the caller's", () => {
  async function notFoundAnswer(
    response: Response,
  ): Promise<{ status: number; contentType: string | null; body: string }> {
    return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
  }

  it("all get the same 404 as a missing key, with no hint", async () => {
    const mine = uniqueTenant("victim-reader");
    const theirs = uniqueTenant("other");
    const own = await storeExportFile(mine, { writtenAt: noonDaysAgo(2) });
    const other = await storeExportFile(theirs, { writtenAt: noonDaysAgo(2) });
    const pending = await storeExportFile(mine, { writtenAt: noonDaysAgo(2), state: "pending" });
    const abandoned = await storeExportFile(mine, { writtenAt: noonDaysAgo(2), state: "abandoned" });
    const missing = own.key.replace(/_[0-9a-f-]{36}\.jsonl\.gz$/, `_${crypto.randomUUID()}.jsonl.gz`);
    const ownFolder = own.key.slice(0, own.key.lastIndexOf("/"));

    const reference = await notFoundAnswer(await getAs(mine, `/v1/exports/${missing}`));
    expect(reference).toEqual({
      status: 404,
      contentType: "application/json; charset=utf-8",
      body: JSON.stringify({ error: { code: "not_found", message: "No such export file." } }),
    });
    const attempts = [
      other.key,
      encodeURIComponent(other.key),
      pending.key,
      abandoned.key,
      `${mine}/../${other.key}`,
      `${mine}/%2e%2e/${other.key}`,
      `${mine}/%2E%2E/${other.key}`,
      `${mine}%2F..%2F${encodeURIComponent(other.key)}`,
      `${ownFolder}/..%2F..%2F..%2F..%2F..%2F${encodeURIComponent(other.key)}`,
      `${mine}/%252e%252e/${other.key}`,
      ownFolder,
      `${mine}/`,
      "%ZZ",
      `${own.key}.exe`,
      own.key.toUpperCase(),
    ];
    for (const attempt of attempts) {
      expect(await notFoundAnswer(await getAs(mine, `/v1/exports/${attempt}`)), attempt).toEqual(reference);
    }
    // The caller's own file is still there: the 404s above were about the keys, not the token.
    expect((await getAs(mine, `/v1/exports/${own.key}`)).status).toBe(200);
    // And the other tenant can read its own file, so the 404 really hid an existing object.
    expect((await getAs(theirs, `/v1/exports/${other.key}`)).status).toBe(200);
  });
});
