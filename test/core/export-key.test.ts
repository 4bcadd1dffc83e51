import { describe, expect, it } from "vitest";
import { deadLetterKey, exportKey } from "../../src/core/exports/export-key.js";

describe("exportKey", () => {
  it("names a file as the issue's example: write time in the folders and name, first receivedat after it", () => {
    const key = exportKey({
      tenant: "demo",
      writtenAt: new Date("2026-11-24T20:52:07.120Z"),
      firstReceivedAt: "2026-11-24T20:52:01.941Z",
      fileId: "81b9bcac-f6b0-4bd8-b191-4af7b89a985c",
    });
    expect(key).toBe(
      "demo/2026/2026-11/2026-11-24/2026-11-24T2052_205201.941_81b9bcac-f6b0-4bd8-b191-4af7b89a985c.jsonl.gz",
    );
  });

  it("files an event received before midnight under the day the file is written", () => {
    const key = exportKey({
      tenant: "acme",
      writtenAt: new Date("2027-01-01T00:03:00.000Z"),
      firstReceivedAt: "2026-12-31T23:59:59.999Z",
      fileId: "00000000-0000-4000-8000-000000000000",
    });
    expect(key).toBe(
      "acme/2027/2027-01/2027-01-01/2027-01-01T0003_235959.999_00000000-0000-4000-8000-000000000000.jsonl.gz",
    );
  });
});

describe("deadLetterKey", () => {
  it("is _deadletter/{yyyy-mm-dd}/{message id}.json in UTC", () => {
    expect(deadLetterKey(new Date("2026-11-24T23:30:00.000-02:00"), "abc123")).toBe(
      "_deadletter/2026-11-25/abc123.json",
    );
  });
});
