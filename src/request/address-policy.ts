import ipaddr from 'ipaddr.js';

/**
 * Which hosts and addresses the server may be made to talk to (CONTRACT.md §2 XmlReqUrl, §8
 * redirects). Pure: host-list matching and address classification, no I/O.
 *
 * A host list (OMIS_XMLREQURL_HOSTS, OMIS_REDIRECT_HOSTS) holds entries of these forms:
 *   `*`             any host
 *   `example.com`   exactly that host, any port
 *   `example.com:8443`  exactly that host and port
 *   `.example.com`  any host below example.com (not example.com itself)
 *   `10.0.0.5`, `[::1]`, `::1`  an address, compared in its canonical form
 * Only an exact entry vouches for the host's addresses: with `*` or a `.suffix` entry the server
 * still refuses to fetch from loopback, private, link-local, CGNAT, multicast or other
 * non-public addresses.
 */
export type HostMatch = 'exact' | 'pattern';

interface HostEntry {
  kind: 'any' | 'suffix' | 'host';
  host: string;
  port?: string;
}

/**
 * The canonical spelling of a host: lower case, no brackets, no trailing dot, and an address in
 * the one form the WHATWG URL parser gives it (so `2130706433`, `0x7f.1` and `0177.0.0.1` are all
 * `127.0.0.1`, and `::FFFF:127.0.0.1` is `::ffff:7f00:1`).
 */
export function canonicalHost(host: string): string {
  let text = host.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare.includes(':')) {
    // IPv6: let the URL parser compress it the same way it does for request URLs.
    try {
      return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    } catch {
      return bare;
    }
  }
  try {
    return new URL(`http://${bare}/`).hostname;
  } catch {
    return bare;
  }
}

function parseEntry(raw: string): HostEntry {
  const entry = raw.trim().toLowerCase();
  if (entry === '*') return { kind: 'any', host: '*' };
  if (entry.startsWith('.')) return { kind: 'suffix', host: canonicalHost(entry.slice(1)) };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return withPort({ kind: 'host', host: canonicalHost(bracketed[1]!) }, bracketed[2]);
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = entry.split(':') as [string, string];
    return withPort({ kind: 'host', host: canonicalHost(host) }, port);
  }
  return { kind: 'host', host: canonicalHost(entry) };
}

function withPort(entry: HostEntry, port: string | undefined): HostEntry {
  return port === undefined || port === '' ? entry : { ...entry, port: String(Number(port)) };
}

/**
 * Whether a URL's host (and port) is on a host list, and how: `exact` when an entry names this very
 * host, `pattern` when only `*` or a `.suffix` entry covers it, undefined when it is not listed.
 * `port` is the URL's explicit port ('' for the scheme's default).
 */
export function matchHost(hostname: string, port: string, list: readonly string[]): HostMatch | undefined {
  const host = canonicalHost(hostname);
  let match: HostMatch | undefined;
  for (const raw of list) {
    const entry = parseEntry(raw);
    if (entry.kind === 'host') {
      if (entry.host === host && (entry.port === undefined || entry.port === port)) return 'exact';
    } else if (entry.kind === 'any' || host.endsWith(`.${entry.host}`)) {
      match = 'pattern';
    }
  }
  return match;
}

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
