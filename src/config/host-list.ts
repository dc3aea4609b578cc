/**
 * Host lists (OMIS_XMLREQURL_HOSTS, OMIS_REDIRECT_HOSTS; docs/API.md#host-lists) and how a host is
 * matched against one. Pure. Entries:
 *   `*`                 any host
 *   `example.com`       exactly that host, any port
 *   `example.com:8443`  exactly that host and port
 *   `.example.com`      any host below example.com (not example.com itself)
 *   `10.0.0.5`, `[::1]`, `::1`  an address, compared in its canonical form
 * Only an exact entry vouches for a host's addresses (request/address-policy.ts).
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

