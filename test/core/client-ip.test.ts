import { describe, expect, it } from "vitest";
import { formatIpv6, parseIpv6 } from "../../src/core/foundation/ip-address.js";
import { clientIpFor, truncatedIp } from "../../src/core/privacy/client-ip.js";

describe("an IPv4 address, truncated", () => {
  it("keeps its /24 network", () => {
    expect(truncatedIp("203.0.113.77")).toBe("203.0.113.0");
    expect(truncatedIp("10.1.2.255")).toBe("10.1.2.0");
    expect(truncatedIp("8.8.8.8")).toBe("8.8.8.0");
  });
});

describe("an IPv6 address, truncated", () => {
  it("keeps its /48 network, written as RFC 5952 says", () => {
    expect(truncatedIp("2001:db8:1:2::5")).toBe("2001:db8:1::");
    expect(truncatedIp("2001:0DB8:0001:0002:0000:0000:0000:0005")).toBe("2001:db8:1::");
    expect(truncatedIp("2001:db8::1")).toBe("2001:db8::");
    expect(truncatedIp("2a00:1450:4009:81f::200e")).toBe("2a00:1450:4009::");
    expect(truncatedIp("::1")).toBe("::");
  });

  it("cuts an IPv4-mapped address as the IPv4 address it is, in either notation", () => {
    expect(truncatedIp("::ffff:203.0.113.77")).toBe("203.0.113.0");
    expect(truncatedIp("::FFFF:cb00:714d")).toBe("203.0.113.0");
    expect(truncatedIp("0:0:0:0:0:ffff:203.0.113.77")).toBe("203.0.113.0");
  });

  it("cuts a 6to4 address to the /24 of the IPv4 address its /48 holds", () => {
    // 2002:cb00:714d::/48 is 203.0.113.77's own network.
    expect(truncatedIp("2002:cb00:714d:1::9")).toBe("2002:cb00:7100::");
  });

  it("drops the IPv4 tail of other embedded forms with the rest of the /48", () => {
    expect(truncatedIp("64:ff9b::203.0.113.77")).toBe("64:ff9b::");
    expect(truncatedIp("::203.0.113.77")).toBe("::");
  });
});

describe("text that is no IP address", () => {
  it.each([
    "",
    "unknown",
    "203.0.113",
    "256.0.113.7",
    "203.0.113.7.1",
    "1::2::3",
    "2001:db8:1:2:3:4:5:6:7",
    "fe80::1%eth0",
    "::ffff:203.0.113.777",
    "12345::",
    "[2001:db8::1]",
  ])("%j is recorded as nothing", (text) => {
    expect(truncatedIp(text)).toBeUndefined();
    expect(clientIpFor(text, "truncated")).toBeUndefined();
  });
});

describe("the tenant's ip setting", () => {
  it("records nothing when off, the address as seen when on, its network when truncated", () => {
    expect(clientIpFor("203.0.113.77", "off")).toBeUndefined();
    expect(clientIpFor("203.0.113.77", "on")).toBe("203.0.113.77");
    expect(clientIpFor("203.0.113.77", "truncated")).toBe("203.0.113.0");
    expect(clientIpFor(undefined, "truncated")).toBeUndefined();
    expect(clientIpFor(undefined, "on")).toBeUndefined();
  });
});

describe("IPv6 text", () => {
  it("reads back what it writes, shortening the first longest run of zero words", () => {
    for (const [text, canonical] of [
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"],
      ["2001:db8:0:1:2:3:4:5", "2001:db8:0:1:2:3:4:5"],
    ] as const) {
      expect(formatIpv6(parseIpv6(text)!)).toBe(canonical);
      expect(parseIpv6(canonical)).toEqual(parseIpv6(text));
    }
  });
});
