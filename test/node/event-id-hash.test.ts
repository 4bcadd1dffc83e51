/**
 * The synchronous SHA-1 behind event ids: the same digests as Node's crypto, and the same event ids as the
 * crypto.subtle implementation it replaced (event ids must never change: they are the dedupe key).
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventIdFor, type EventIdentity } from "../../src/core/events/event-id.js";
import { sha1 } from "../../src/core/events/sha1.js";
import { utf8ByteLength } from "../../src/core/foundation/utf8.js";

const NAMESPACE = Buffer.from("7d0c6a1e9b3f4e2a8c5d1f0e6b4a3c29", "hex");

/** The original implementation: UUIDv5 with crypto.subtle. */
async function referenceEventId(identity: EventIdentity): Promise<string> {
  const name = JSON.stringify([
    identity.tenant,
    identity.userid,
    identity.deviceid ?? null,
    identity.sessionid.toLowerCase(),
    identity.sequencenumber,
  ]);
  const input = Buffer.concat([NAMESPACE, Buffer.from(name, "utf8")]);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe("sha1", () => {
  it("matches node:crypto for every length across block boundaries", () => {
    for (let length = 0; length <= 300; length++) {
      const message = randomBytes(length);
      expect(Buffer.from(sha1(message)).toString("hex")).toBe(createHash("sha1").update(message).digest("hex"));
    }
  });

  it("matches the FIPS 180 example", () => {
    expect(Buffer.from(sha1(new TextEncoder().encode("abc"))).toString("hex")).toBe(
      "a9993e364706816aba3e25717850c26c9cd0d89d",
    );
  });
});

describe("event ids", () => {
  const identities: EventIdentity[] = [
    { tenant: "acme", userid: "u", deviceid: undefined, sessionid: "AB", sequencenumber: 1 },
    {
      tenant: "acme",
      userid: "b746b99cdb99455bbd0dfcfe2c5152b4",
      deviceid: "speaker-0042",
      sessionid: "5F71E09784354CFABD8253FE24D6B701",
      sequencenumber: 9007199254740991,
    },
    {
      tenant: "t-1",
      userid: "用户-ü-🎵",
      deviceid: '设备 "quoted"',
      sessionid: "5f71e09784354cfabd8253fe24d6b701",
      sequencenumber: -3,
    },
    {
      tenant: "x".repeat(63),
      userid: "y".repeat(500),
      deviceid: "z".repeat(300),
      sessionid: "0".repeat(32),
      sequencenumber: 0,
    },
  ];

  it("are the ids the crypto.subtle implementation derived", async () => {
    for (const identity of identities) {
      const expected = await referenceEventId(identity);
      expect(eventIdFor(identity)).toBe(expected);
    }
  });
});

describe("utf8ByteLength", () => {
  it("counts as TextEncoder does, ASCII or not", () => {
    for (const text of [
      "",
      "plain ascii",
      "é",
      "英语人教版",
      "🎵 and text",
      "lone \ud800 surrogate",
      "\u007f\u0080",
      "…".repeat(50),
    ]) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).byteLength);
    }
  });
});
