import ipaddr from 'ipaddr.js';
import { canonicalHost, type HostMatch } from '../config/host-list.ts';

/**
 * Which addresses the server may be made to talk to (XmlReqUrl, docs/API.md#xmlrequrl). Pure:
 * address classification, no I/O. With `*` or a `.suffix` host-list entry the server still refuses
 * to fetch from loopback, private, link-local, CGNAT, multicast or other non-public addresses; only an
 * exact entry (config/host-list.ts) vouches for the host's addresses.
 */

/** The host as an IP address when it is one (in any spelling the URL parser accepts), else undefined. */
export function hostAsAddress(hostname: string): string | undefined {
  const host = canonicalHost(hostname);
  return ipaddr.isValid(host) && (ipaddr.IPv4.isValidFourPartDecimal(host) || host.includes(':')) ? host : undefined;
}

/**
 * Whether an address is an ordinary public unicast address. Everything else is refused as a
 * fetch target: loopback, private (RFC 1918, fc00::/7), link-local (incl. 169.254.169.254 cloud
 * metadata), CGNAT, multicast, broadcast, unspecified, reserved and documentation ranges, and the
 * IPv6 forms that embed an IPv4 address a translator could route inward (6to4, Teredo, NAT64).
 * An IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.startsWith('[') ? address.slice(1, -1) : address);
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** Why an address may not be used, or undefined when it may. */
export function addressRefusal(address: string, match: HostMatch): string | undefined {
  if (match === 'exact') return undefined;
  return isPublicAddress(address) ? undefined : `address ${address} is not public and the host is not listed exactly`;
}
