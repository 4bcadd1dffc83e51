/**
 * Where a destination's requests go, and whether the collector may send there. A destination is somebody
 * else's storage reached with a secret, so the Worker only sends to public https hosts named by a host name:
 * no `http:`, no `user:password@` in the URL, no IP literal (in any of the forms a URL parser accepts, such as
 * `http://2130706433/` or `0x7f.1`, which it normalises to 127.0.0.1 before this looks), and no name that only
 * means something inside a network (`localhost`, `*.internal`, single labels …). The one exception is for local
 * emulators (s3rver, Azurite, MinIO on the developer's machine): with DELIVERY_ALLOW_LOOPBACK_ENDPOINTS the
 * loopback addresses 127.0.0.0/8 and [::1] are allowed, over http too; nothing else changes.
 *
 * The check runs when a destination is added, when it is tested and right before every delivery, so a row
 * changed in D1 cannot send anywhere either. A refusal is the CollectorError `invalid_destination`.
 * @module
 */
import { CollectorError } from "../foundation/errors.js";
import { parseIpv4, parseIpv6 } from "../foundation/ip-address.js";
import type { DestinationSettings } from "./destination.js";

export interface EndpointPolicy {
  /** http and https to 127.0.0.0/8 and [::1], for local emulators only (DELIVERY_ALLOW_LOOPBACK_ENDPOINTS). */
  allowLoopback: boolean;
}

/** One thing wrong with a destination: the field at fault and what is wrong, never the value (it may hold a secret). */
export interface DestinationIssue {
  path: string;
  message: string;
}

/** The URL a destination's object keys are appended to, exactly as the uploaders build it. */
export function destinationBaseUrl(settings: DestinationSettings): string {
  if (settings.kind === "azure") return `${settings.containerUrl.replace(/\/+$/, "")}/`;
  // Virtual-hosted style on AWS itself; path style on any other endpoint (S3-compatible stores, GCS).
  if (!settings.endpoint) return `https://${settings.bucket}.s3.${settings.region}.amazonaws.com/`;
  return `${settings.endpoint.replace(/\/+$/, "")}/${settings.bucket}/`;
}

/** Every reason the collector may not send to this destination; empty when it may. */
export function destinationEndpointIssues(settings: DestinationSettings, policy: EndpointPolicy): DestinationIssue[] {
  const path = settings.kind === "azure" ? "containerUrl" : "endpoint";
  // The URL the uploaders will fetch, not only the field: what a parser makes of the whole is what counts.
  const problem = urlProblem(destinationBaseUrl(settings), policy);
  return problem ? [{ path, message: problem }] : [];
}

/** Throws `invalid_destination` (400) naming each issue when the collector may not send to the destination. */
export function refuseUnsafeDestination(settings: DestinationSettings, policy: EndpointPolicy): void {
  const issues = destinationEndpointIssues(settings, policy);
  if (issues.length > 0) throw invalidDestination(issues);
}

/** The error of a destination that cannot be used, with its issues in the body. */
export function invalidDestination(issues: DestinationIssue[]): CollectorError {
  return new CollectorError(
    "invalid_destination",
    issues.map((issue) => `${issue.path || "destination"}: ${issue.message}`).join("; "),
    { details: { issues } },
  );
}

/** The URL without any `user:password@`, for showing a row stored before endpoints were checked. */
export function withoutUserinfo(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.href;
}

const LOOPBACK_HINT = "only a local emulator may use one, with DELIVERY_ALLOW_LOOPBACK_ENDPOINTS=true";

function urlProblem(raw: string, policy: EndpointPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a valid URL";
  }
  if (url.username !== "" || url.password !== "") {
    return "must not hold a user name or password (user:password@); give credentials in their own fields";
  }
  if (url.search !== "" || url.hash !== "") return "must not hold a query (?) or a fragment (#)";
  const host = url.hostname.toLowerCase();
  const loopbackAllowed = policy.allowLoopback && isAllowedLoopback(host);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackAllowed)) {
    return `${url.protocol.replace(/:$/, "")} is refused; destinations use https (http only to a loopback emulator, with DELIVERY_ALLOW_LOOPBACK_ENDPOINTS=true)`;
  }
  if (loopbackAllowed) return undefined;
  return addressProblem(host) ?? nameProblem(host);
}

function isAllowedLoopback(host: string): boolean {
  const ipv4 = parseIpv4(host);
  if (ipv4) return ipv4[0] === 127;
  return host === "[::1]";
}

// ---- IP literals ----------------------------------------------------------------------------------------------

/** Named IPv4 ranges, for a message that says what the address is; every IP literal is refused regardless. */
const IPV4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, `a loopback address; ${LOOPBACK_HINT}`],
  ["169.254.0.0", 16, "a link-local address (cloud metadata services live there)"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

function addressProblem(host: string): string | undefined {
  const ipv4 = parseIpv4(host);
  if (ipv4) return `${host} is ${describeIpv4(ipv4)}`;
  if (!host.startsWith("[")) return undefined;
  const ipv6 = parseIpv6(host.slice(1, -1));
  return `${host} is ${ipv6 ? describeIpv6(ipv6) : "an IP address"}`;
}

function describeIpv4(octets: readonly number[]): string {
  const value = ipv4Value(octets);
  for (const [base, bits, what] of IPV4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === ipv4Value(base.split(".").map(Number))) return `${what} (${base}/${bits})`;
  }
  return "an IP address; give the storage's host name";
}

function describeIpv6(words: readonly number[]): string {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const embedded = () => describeIpv4([w6 >> 8, w6 & 0xff, w7 >> 8, w7 & 0xff]);
  const upperZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  if (upperZero && w5 === 0 && w6 === 0 && w7 === 0) return "the unspecified address (::)";
  if (upperZero && w5 === 0 && w6 === 0 && w7 === 1) return `the loopback address (::1); ${LOOPBACK_HINT}`;
  if (upperZero && w5 === 0xffff) return `an IPv4-mapped address, of ${embedded()}`;
  if (upperZero && w5 === 0) return `an IPv4-compatible address, of ${embedded()}`;
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0)
    return `a NAT64 address, of ${embedded()}`;
  if ((w0 & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((w0 & 0xffc0) === 0xfec0) return "a site-local address (fec0::/10)";
  if ((w0 & 0xfe00) === 0xfc00) return "a unique local (private) address (fc00::/7)";
  if ((w0 & 0xff00) === 0xff00) return "a multicast address (ff00::/8)";
  if (w0 === 0x2002) return `a 6to4 address, of ${describeIpv4([w1 >> 8, w1 & 0xff, w2 >> 8, w2 & 0xff])}`;
  return "an IP address; give the storage's host name";
}

function ipv4Value(octets: readonly number[]): number {
  return octets.reduce((value, octet) => value * 256 + octet, 0) >>> 0;
}

// ---- host names -----------------------------------------------------------------------------------------------

/** Suffixes that name hosts inside a network or on the machine itself, never a public storage. */
const LOCAL_SUFFIXES = ["localhost", "local", "localdomain", "internal", "home.arpa"] as const;

function nameProblem(host: string): string | undefined {
  const name = host.replace(/\.$/, "");
  for (const suffix of LOCAL_SUFFIXES) {
    if (name === suffix || name.endsWith(`.${suffix}`)) {
      return `${host} is a name for the local machine or network (${suffix}); give the storage's public host name`;
    }
  }
  if (!name.includes(".")) return `${host} is not a public host name (it has no dot)`;
  const labels = name.split(".");
  const spellsAddress =
    labels.some((label) => /^\d{1,3}(-\d{1,3}){3}$/.test(label)) ||
    labels.some((_, index) => index + 4 <= labels.length && labels.slice(index, index + 4).every(isOctet));
  if (spellsAddress) return `${host} spells out an IP address; give the storage's own host name`;
  return undefined;
}

function isOctet(label: string): boolean {
  return /^\d{1,3}$/.test(label) && Number(label) <= 255;
}
