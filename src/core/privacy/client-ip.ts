/**
 * What an exported event records of the client's IP address, by the tenant's `ip` setting: nothing (`off`, the
 * default), the address as the edge saw it (`on`), or only its network (`truncated`): an IPv4 address cut to its
 * /24 (`203.0.113.77` → `203.0.113.0`), an IPv6 address to its /48 (`2001:db8:1:2::5` → `2001:db8:1::`). The
 * edge applies it before an event is queued, so a truncated tenant's full address reaches neither the queue nor
 * an export file. Two IPv6 forms carry an IPv4 address where a /48 would keep all of it, so they are cut as the
 * IPv4 address they are: an IPv4-mapped address (`::ffff:203.0.113.77`, written `203.0.113.0`) and a 6to4 one
 * (`2002:cb00:714d::/48` holds all of 203.0.113.77; kept to /40, the IPv4 /24). Text that is no IP address is
 * recorded as nothing.
 * @module
 */
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "../foundation/ip-address.js";
import type { IpSetting } from "../tenants/tenant-settings.js";

/** The `ip` field of the events of a request from `address` (the edge's CF-Connecting-IP), or undefined. */
export function clientIpFor(address: string | undefined, setting: IpSetting): string | undefined {
  if (setting === "off" || address === undefined || address === "") return undefined;
  return setting === "on" ? address : truncatedIp(address);
}

/** The network of an address: IPv4 /24, IPv6 /48 (IPv4-mapped as IPv4, 6to4 /40); undefined when not an address. */
export function truncatedIp(address: string): string | undefined {
  const ipv4 = parseIpv4(address);
  if (ipv4) return ipv4Network(ipv4);
  const words = parseIpv6(address);
  if (!words) return undefined;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0xffff) {
    return ipv4Network([w6 >> 8, w6 & 0xff, w7 >> 8, w7 & 0xff]);
  }
  if (w0 === 0x2002) return formatIpv6([w0, w1, w2 & 0xff00, 0, 0, 0, 0, 0]);
  return formatIpv6([w0, w1, w2, 0, 0, 0, 0, 0]);
}

function ipv4Network(octets: readonly number[]): string {
  return formatIpv4([octets[0]!, octets[1]!, octets[2]!, 0]);
}
