/**
 * Which destination URLs the collector sends to: public https host names only; loopback only for local
 * emulators with DELIVERY_ALLOW_LOOPBACK_ENDPOINTS. Pure: nothing here sends a request.
 * @module
 */
import { describe, expect, it } from "vitest";
import type { DestinationSettings } from "../../src/core/delivery/destination.js";
import {
  destinationBaseUrl,
  destinationEndpointIssues,
  withoutUserinfo,
} from "../../src/core/delivery/destination-endpoint.js";

const DEPLOYED = { allowLoopback: false };
const EMULATORS = { allowLoopback: true };

const s3 = (endpoint: string | undefined): DestinationSettings => ({
  kind: "s3",
  bucket: "landing",
  region: "eu-west-1",
  ...(endpoint === undefined ? {} : { endpoint }),
  prefix: "",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
});

const azure = (containerUrl: string): DestinationSettings => ({ kind: "azure", containerUrl, auth: "sas", prefix: "" });

const problem = (settings: DestinationSettings, policy = DEPLOYED) =>
  destinationEndpointIssues(settings, policy)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");

describe("destination endpoints the collector sends to", () => {
  it.each([
    "https://s3.eu-central-1.wasabisys.com",
    "https://storage.googleapis.com",
    "https://minio.acme.example:9443/storage",
    "https://acct-1.r2.cloudflarestorage.com/",
  ])("accepts the public https host %s", (endpoint) => {
    expect(problem(s3(endpoint))).toBe("");
  });

  it("accepts Amazon S3 itself (no endpoint) and an Azure container URL", () => {
    expect(problem(s3(undefined))).toBe("");
    expect(problem(azure("https://acme.blob.core.windows.net/exports"))).toBe("");
  });
});

describe("destination endpoints the collector refuses", () => {
  it.each([
    ["http://s3.acme.example", /endpoint: http is refused; destinations use https/],
    ["ftp://s3.acme.example", /endpoint: ftp is refused/],
    ["https://AKIA:secret@s3.acme.example", /endpoint: must not hold a user name or password/],
    ["https://user@s3.acme.example", /must not hold a user name or password/],
    ["https://s3.acme.example/?x=1", /must not hold a query \(\?\) or a fragment/],
    ["https://s3.acme.example#frag", /must not hold a query/],
  ])("%s", (endpoint, expected) => {
    expect(problem(s3(endpoint))).toMatch(expected);
  });

  it("never echoes the userinfo it refuses", () => {
    expect(problem(s3("https://AKIA:wJalrXUtnFEMI@s3.acme.example"))).not.toMatch(/AKIA|wJalr/);
  });

  it.each([
    // Every spelling of loopback a URL parser accepts ends up as 127.0.0.1 before the check.
    ["https://127.0.0.1", "127.0.0.1 is a loopback address"],
    ["https://127.1.2.3:9000", "127.1.2.3 is a loopback address"],
    ["https://2130706433/", "127.0.0.1 is a loopback address"],
    ["https://0x7f.1/", "127.0.0.1 is a loopback address"],
    ["https://0x7f000001/", "127.0.0.1 is a loopback address"],
    ["https://0177.0.0.1/", "127.0.0.1 is a loopback address"],
    ["https://127.1/", "127.0.0.1 is a loopback address"],
    ["https://127.0.0.1./", "127.0.0.1 is a loopback address"],
    ["https://%31%32%37.0.0.1/", "127.0.0.1 is a loopback address"],
    ["https://\uff11\uff12\uff17.0.0.1/", "127.0.0.1 is a loopback address"],
    ["https://[::1]/", "[::1] is the loopback address (::1)"],
    ["https://[0:0:0:0:0:0:0:1]/", "[::1] is the loopback address (::1)"],
    ["https://10.1.2.3", "10.1.2.3 is a private address (10.0.0.0/8)"],
    ["https://172.16.0.1", "172.16.0.1 is a private address (172.16.0.0/12)"],
    ["https://172.31.255.255", "172.31.255.255 is a private address (172.16.0.0/12)"],
    ["https://192.168.1.1", "192.168.1.1 is a private address (192.168.0.0/16)"],
    ["https://100.64.0.1", "100.64.0.1 is a shared (carrier-grade NAT) address (100.64.0.0/10)"],
    ["https://100.127.255.254", "(100.64.0.0/10)"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"],
    ["https://0.0.0.0", "0.0.0.0 is a 'this network' address (0.0.0.0/8)"],
    ["https://0/", "0.0.0.0 is a 'this network' address"],
    ["https://224.0.0.1", "a multicast address"],
    ["https://255.255.255.255", "a reserved address"],
    ["https://[::]/", "[::] is the unspecified address"],
    ["https://[fe80::1]/", "[fe80::1] is a link-local address (fe80::/10)"],
    ["https://[febf::1]/", "a link-local address (fe80::/10)"],
    ["https://[fc00::1]/", "[fc00::1] is a unique local (private) address (fc00::/7)"],
    ["https://[fd12:3456::1]/", "a unique local (private) address (fc00::/7)"],
    ["https://[::ffff:127.0.0.1]/", "[::ffff:7f00:1] is an IPv4-mapped address, of a loopback address"],
    ["https://[::ffff:7f00:1]/", "an IPv4-mapped address, of a loopback address"],
    ["https://[::ffff:10.0.0.1]/", "an IPv4-mapped address, of a private address (10.0.0.0/8)"],
    ["https://[::ffff:169.254.169.254]/", "an IPv4-mapped address, of a link-local address"],
    ["https://[0:0:0:0:0:ffff:192.168.0.1]/", "an IPv4-mapped address, of a private address (192.168.0.0/16)"],
    ["https://[::ffff:100.64.0.1]/", "an IPv4-mapped address, of a shared (carrier-grade NAT) address"],
    ["https://[::127.0.0.1]/", "an IPv4-compatible address, of a loopback address"],
    ["https://[64:ff9b::a9fe:a9fe]/", "a NAT64 address, of a link-local address"],
    ["https://[2002:7f00:1::]/", "a 6to4 address, of a loopback address"],
    ["https://[ff02::1]/", "a multicast address (ff00::/8)"],
    // A public address is refused too: a destination is named by its host name.
    ["https://8.8.8.8", "8.8.8.8 is an IP address; give the storage's host name"],
    ["https://[2606:4700::1111]/", "is an IP address; give the storage's host name"],
    ["https://[::ffff:8.8.8.8]/", "an IPv4-mapped address, of an IP address"],
  ])("%s: %s", (endpoint, expected) => {
    expect(problem(s3(endpoint))).toContain(expected);
  });

  it.each([
    ["https://localhost:9000", "localhost is a name for the local machine or network (localhost)"],
    ["https://LOCALHOST./", "localhost. is a name for the local machine or network (localhost)"],
    ["https://minio.localhost", "(localhost)"],
    ["https://metadata.google.internal/computeMetadata", "(internal)"],
    ["https://s3.corp.internal.", "(internal)"],
    ["https://nas.local", "(local)"],
    ["https://storage.localdomain", "(localdomain)"],
    ["https://printer.home.arpa", "(home.arpa)"],
    ["https://minio", "minio is not a public host name (it has no dot)"],
    ["https://10.0.0.1.nip.io", "spells out an IP address"],
    ["https://bucket.127.0.0.1.sslip.io", "spells out an IP address"],
    ["https://10-0-0-1.sslip.io", "spells out an IP address"],
  ])("%s: %s", (endpoint, expected) => {
    expect(problem(s3(endpoint))).toContain(expected);
  });

  it("checks Azure container URLs the same way, under their own field", () => {
    expect(problem(azure("http://acme.blob.core.windows.net/exports"))).toMatch(/^containerUrl: http is refused/);
    expect(problem(azure("https://10.0.0.4/devstoreaccount1/exports"))).toMatch(/^containerUrl: 10.0.0.4 is a private/);
    expect(problem(azure("https://sas:sig@acme.blob.core.windows.net/exports"))).toMatch(/user name or password/);
  });
});

describe("local emulators (DELIVERY_ALLOW_LOOPBACK_ENDPOINTS)", () => {
  it("may be reached over http or https on 127.0.0.0/8 and [::1]", () => {
    for (const endpoint of ["http://127.0.0.1:4568", "https://127.0.0.1", "http://127.0.0.2:9", "http://[::1]:10000"])
      expect(problem(s3(endpoint), EMULATORS)).toBe("");
    expect(problem(azure("http://127.0.0.1:10000/devstoreaccount1/landing"), EMULATORS)).toBe("");
  });

  it("allow nothing else: not private, link-local or mapped addresses, nor names, nor http elsewhere", () => {
    expect(problem(s3("http://s3.acme.example"), EMULATORS)).toMatch(/http is refused/);
    expect(problem(s3("http://10.0.0.1"), EMULATORS)).toMatch(/http is refused/);
    expect(problem(s3("https://169.254.169.254"), EMULATORS)).toMatch(/link-local/);
    expect(problem(s3("https://[::ffff:7f00:1]"), EMULATORS)).toMatch(/IPv4-mapped/);
    expect(problem(s3("http://localhost:9000"), EMULATORS)).toMatch(/http is refused/);
    expect(problem(s3("https://localhost:9000"), EMULATORS)).toMatch(/local machine/);
    expect(problem(s3("http://u:p@127.0.0.1:9000"), EMULATORS)).toMatch(/user name or password/);
  });

  it("are refused when the setting is off (the deployed default)", () => {
    expect(problem(s3("http://127.0.0.1:4568"))).toMatch(/http is refused/);
    expect(problem(s3("https://127.0.0.1:4568"))).toMatch(/loopback address.*DELIVERY_ALLOW_LOOPBACK_ENDPOINTS=true/);
  });
});

describe("a destination's base URL", () => {
  it("is virtual-hosted on AWS, path-style elsewhere, the container for Azure", () => {
    expect(destinationBaseUrl(s3(undefined))).toBe("https://landing.s3.eu-west-1.amazonaws.com/");
    expect(destinationBaseUrl(s3("https://storage.googleapis.com/"))).toBe("https://storage.googleapis.com/landing/");
    expect(destinationBaseUrl(azure("https://acme.blob.core.windows.net/exports/"))).toBe(
      "https://acme.blob.core.windows.net/exports/",
    );
  });

  it("is what gets checked, so a URL that only looks safe once joined is refused", () => {
    // The field alone parses to a public host; the request URL would carry the rest as a query.
    expect(problem(s3("https://s3.acme.example?"))).toMatch(/query/);
  });
});

describe("listing a URL stored before endpoints were checked", () => {
  it("drops its userinfo", () => {
    expect(withoutUserinfo("https://AKIA:secret@s3.acme.example/base")).toBe("https://s3.acme.example/base");
    expect(withoutUserinfo("https://s3.acme.example")).toBe("https://s3.acme.example");
  });
});
