import { describe, expect, it } from "vitest";
import { MAX_USER_AGENT_BYTES, parseUserAgent, userAgentFields } from "../../src/core/events/user-agent.js";
import { truncateUtf8 } from "../../src/core/foundation/utf8.js";

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

describe("cutting a string to a number of UTF-8 bytes", () => {
  it("keeps a string that fits as it is", () => {
    expect(truncateUtf8("okhttp/4.12.0", 512)).toBe("okhttp/4.12.0");
    expect(truncateUtf8("é".repeat(256), 512)).toBe("é".repeat(256));
  });

  it("never cuts inside a character: two-, three- and four-byte ones", () => {
    expect(truncateUtf8(`a${"é".repeat(300)}`, 512)).toBe(`a${"é".repeat(255)}`);
    expect(truncateUtf8("英".repeat(200), 512)).toBe("英".repeat(170));
    expect(truncateUtf8(`ab${"🎵".repeat(200)}`, 512)).toBe(`ab${"🎵".repeat(127)}`);
    for (const text of [`a${"é".repeat(300)}`, "英".repeat(200), `ab${"🎵".repeat(200)}`, "x".repeat(600)]) {
      const cut = truncateUtf8(text, 512);
      expect(utf8Bytes(cut)).toBeLessThanOrEqual(512);
      expect(text.startsWith(cut)).toBe(true);
      expect(cut).not.toMatch(/[\ud800-\udbff]$/);
    }
  });
});

describe("the device's user agent", () => {
  it.each([
    [
      "an Android app on OkHttp's Dalvik agent",
      "Dalvik/2.1.0 (Linux; U; Android 13; SM-G991B Build/TP1A.220624.014)",
      { os: "Android", osversion: "13", device: "Samsung SM-G991B", client: "Dalvik 2.1.0" },
    ],
    [
      "the Omny document's AppleCoreMedia example",
      "AppleCoreMedia/1.0.0.15A402 (iPhone; U; CPU OS 11_0_1 like Mac OS X; en_au)",
      { os: "iOS", osversion: "11.0.1", device: "Apple iPhone", client: "AppleCoreMedia 1.0.0.15A402" },
    ],
    [
      "an iOS app's CFNetwork agent",
      "Audiogum/2.3 CFNetwork/1410.0.3 Darwin/22.6.0",
      { os: "iOS", client: "Audiogum 2.3" },
    ],
    [
      "a browser",
      "Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
      { os: "Android", osversion: "12", device: "Google Pixel 6", client: "Chrome 120.0.0.0" },
    ],
    [
      "a speaker's firmware",
      "AudiogumSpeaker/12.3.45 (Linux armv7l; Vuaudio Monkeybox)",
      { os: "Linux", client: "AudiogumSpeaker 12.3.45" },
    ],
    ["something unknown", "Mozilla/5.0", {}],
  ])("reads %s", (_, userAgent, parsed) => {
    expect(parseUserAgent(userAgent)).toEqual(parsed);
  });

  it("keeps at most 512 bytes of the header and parses what it keeps", () => {
    const long = `Audiogum/2.3 (${"x".repeat(600)})`;
    const fields = userAgentFields(long)!;
    expect(fields.useragent).toBe(long.slice(0, MAX_USER_AGENT_BYTES));
    expect(fields.useragentparsed.client).toBe("Audiogum 2.3");
  });

  it("gives nothing for a missing or blank header", () => {
    expect(userAgentFields(undefined)).toBeUndefined();
    expect(userAgentFields(null)).toBeUndefined();
    expect(userAgentFields("   ")).toBeUndefined();
  });
});
