import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkXmlReqUrl, fetchXmlReqUrl, XmlReqUrlError, type ResolvedAddress, type XmlFetchOptions } from '../../src/request/xml-req-url.ts';
import { GOOD_XML, startXmlServer, type XmlServer } from './xml-server.ts';

const LIMIT = 256 * 1024;
const execFileAsync = promisify(execFile);

async function reason(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    if (error instanceof XmlReqUrlError) {
      expect(error.code).toBe(104);
      return error.reason;
    }
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

describe('fetchXmlReqUrl against a local server', () => {
  let server: XmlServer;
  // 127.0.0.1 is listed exactly, so the loopback address is allowed for it (as an operator would
  // list an intranet host); the SSRF cases below use other lists.
  let options: XmlFetchOptions;
  beforeAll(async () => {
    server = await startXmlServer();
    options = { hosts: ['127.0.0.1'], maxBytes: LIMIT, timeoutMs: 1500 };
  });
  afterAll(async () => server?.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it.each(['/ok.xml', '/OK.XML', '/plain.xml', '/untyped.xml', '/with-query.xml?x=1'])('fetches %s', async (path) => {
    const body = await fetchXmlReqUrl(`${server.origin}${path}`, options);
    expect(body.toString('utf8')).toBe(GOOD_XML);
  });

  it.each([
    ['/redirect.xml', /redirect \(302\) not followed/],
    ['/redirect-301.xml', /redirect \(301\) not followed/],
    ['/missing.xml', /HTTP status 404/],
    ['/error.xml', /HTTP status 500/],
    ['/html.xml', /content-type text\/html/],
    ['/json.xml', /content-type application\/json/],
    ['/gzip.xml', /content-encoding gzip/],
    ['/declared-huge.xml', /content-length .* over the limit/],
    ['/endless.xml', /body over 262144 bytes/],
    ['/cut.xml', /mid-body/],
  ])('refuses %s (%s)', async (path, why) => {
    expect(await reason(fetchXmlReqUrl(`${server.origin}${path}`, options))).toMatch(why);
  });

  it('does not follow a redirect: only the first URL is requested', async () => {
    await reason(fetchXmlReqUrl(`${server.origin}/redirect.xml`, options));
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect.xml']);
  });

  it('gives up on a server that never answers', async () => {
    expect(await reason(fetchXmlReqUrl(`${server.origin}/silent.xml`, { ...options, timeoutMs: 300 }))).toBe('timed out');
  });

  it('gives up on a body that trickles in forever: the deadline covers the whole exchange', async () => {
    expect(await reason(fetchXmlReqUrl(`${server.origin}/trickle.xml`, { ...options, timeoutMs: 300 }))).toMatch(/timed out/);
  });

  it('refuses a body over a smaller limit while it streams', async () => {
    expect(await reason(fetchXmlReqUrl(`${server.origin}/ok.xml`, { ...options, maxBytes: 16 }))).toMatch(/over/);
  });

  it('connects to the address it checked, sending the name in Host', async () => {
    const calls: string[] = [];
    const resolve = async (host: string): Promise<ResolvedAddress[]> => {
      calls.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    // xml.example.invalid has no DNS entry: the fetch can only work by connecting where the check looked.
    const url = `http://xml.example.invalid:${server.port}/ok.xml`;
    const body = await fetchXmlReqUrl(url, { ...options, hosts: ['xml.example.invalid'], resolve });
    expect(body.toString()).toBe(GOOD_XML);
    expect(calls).toEqual(['xml.example.invalid']);
    expect(server.requests).toEqual([{ path: '/ok.xml', host: `xml.example.invalid:${server.port}` }]);
  });

  it('tries every checked address: an IPv6 answer first still reaches a server on 127.0.0.1', async () => {
    const resolve = async (): Promise<ResolvedAddress[]> => [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ];
    const url = `http://dual.example.invalid:${server.port}/ok.xml`;
    const body = await fetchXmlReqUrl(url, { ...options, hosts: ['dual.example.invalid'], resolve });
    expect(body.toString()).toBe(GOOD_XML);
  });

  it('resolves once: a second answer pointing inward (DNS rebinding) is never used', async () => {
    const answers: ResolvedAddress[][] = [[{ address: '8.8.8.8', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    let calls = 0;
    const resolve = async () => answers[Math.min(calls++, 1)]!;
    await reason(fetchXmlReqUrl(`http://rebind.example.invalid:${server.port}/ok.xml`, { ...options, hosts: ['*'], resolve, timeoutMs: 500 }));
    expect(calls).toBe(1);
    expect(server.requests).toEqual([]);
  });
});

describe('fetchXmlReqUrl: addresses and hosts it refuses without connecting', () => {
  let server: XmlServer;
  beforeAll(async () => {
    server = await startXmlServer();
  });
  afterAll(async () => server?.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const any = (resolve?: XmlFetchOptions['resolve']): XmlFetchOptions => ({ hosts: ['*'], maxBytes: LIMIT, timeoutMs: 1500, ...(resolve ? { resolve } : {}) });
  const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));

  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/ok.xml`],
    ['a decimal IPv4 (2130706433)', (port: number) => `http://2130706433:${port}/ok.xml`],
    ['a hex/short IPv4 (0x7f.1)', (port: number) => `http://0x7f.1:${port}/ok.xml`],
    ['an octal IPv4 (0177.0.0.1)', (port: number) => `http://0177.0.0.1:${port}/ok.xml`],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/ok.xml`],
    ['an IPv4-mapped IPv6 loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/ok.xml`],
    ['localhost through the system resolver', (port: number) => `http://localhost:${port}/ok.xml`],
  ])('loopback as %s, with hosts = *', async (_name, url) => {
    expect(await reason(fetchXmlReqUrl(url(server.port), any()))).toMatch(/not public/);
    expect(server.requests).toEqual([]);
  });

  it.each([
    ['private', '10.0.0.5'],
    ['link-local metadata', '169.254.169.254'],
    ['CGNAT', '100.64.1.1'],
    ['multicast', '224.0.0.251'],
    ['unspecified', '0.0.0.0'],
    ['IPv6 unique local', 'fd00::1'],
    ['IPv4-mapped private', '::ffff:192.168.0.1'],
  ])('a name resolving to a %s address (%s)', async (_name, address) => {
    expect(await reason(fetchXmlReqUrl('http://name.example.invalid/ok.xml', any(resolvesTo(address))))).toMatch(/not public/);
  });

  it('a name with one public and one private answer', async () => {
    expect(await reason(fetchXmlReqUrl('http://mixed.example.invalid/ok.xml', any(resolvesTo('8.8.8.8', '127.0.0.1'))))).toMatch(/not public/);
  });

  it('a host that is not on the list', async () => {
    const options = { hosts: ['xml.example.com'], maxBytes: LIMIT };
    expect(await reason(fetchXmlReqUrl(`${server.origin}/ok.xml`, options))).toMatch(/not on OMIS_XMLREQURL_HOSTS/);
    expect(server.requests).toEqual([]);
  });

  it('any host when the list is empty', async () => {
    expect(await reason(fetchXmlReqUrl(`${server.origin}/ok.xml`, { hosts: [], maxBytes: LIMIT }))).toMatch(/not on/);
  });

  it('a name that does not resolve', async () => {
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await reason(fetchXmlReqUrl('http://nowhere.example.invalid/ok.xml', { hosts: ['nowhere.example.invalid'], maxBytes: LIMIT, resolve: failing }))).toMatch(/cannot resolve/);
  });

  it('a resolver slower than the deadline', async () => {
    const never = () => new Promise<ResolvedAddress[]>(() => {});
    expect(await reason(fetchXmlReqUrl('http://slow.example.invalid/ok.xml', { hosts: ['*'], maxBytes: LIMIT, resolve: never, timeoutMs: 200 }))).toBe('timed out');
  });
});

describe('checkXmlReqUrl', () => {
  it.each([
    ['ftp://example.com/a.xml', /scheme ftp: is not http/],
    ['file:///etc/passwd.xml', /scheme file:/],
    ['gopher://example.com/a.xml', /scheme gopher:/],
    ['/relative/a.xml', /not an absolute URL/],
    ['http://user:pass@example.com/a.xml', /credentials/],
    ['http://example.com@evil.com/a.xml', /credentials/],
    ['http://evil.com/a.xml', /not on/],
  ])('refuses %s', (url, why) => {
    expect(() => checkXmlReqUrl(url, ['example.com'])).toThrow(XmlReqUrlError);
    try {
      checkXmlReqUrl(url, ['example.com']);
    } catch (error) {
      expect((error as XmlReqUrlError).reason).toMatch(why);
    }
  });

  it.each([
    ['http://example.com/a.xml', 'exact'],
    ['https://EXAMPLE.com:8443/dir/a.xml?x=1', 'exact'],
  ])('accepts %s', (url, match) => {
    expect(checkXmlReqUrl(url, ['example.com']).match).toBe(match);
  });
});

describe('fetchXmlReqUrl over https', () => {
  let server: https.Server;
  let port: number;
  beforeAll(async () => {
    const dir = new URL('./fixtures/', import.meta.url);
    // A certificate nobody vouches for (test/request/fixtures, made with openssl req -x509).
    server = https.createServer({ key: readFileSync(new URL('self-signed.key', dir)), cert: readFileSync(new URL('self-signed.crt', dir)) }, (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/xml' }).end(GOOD_XML),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server?.close(() => resolve())));

  it('verifies the certificate: a self-signed one is refused', async () => {
    const why = await reason(fetchXmlReqUrl(`https://127.0.0.1:${port}/ok.xml`, { hosts: ['127.0.0.1'], maxBytes: LIMIT, timeoutMs: 1500 }));
    expect(why).toMatch(/request failed: .*certificate/i);
  });

  // An internal host with a private certificate authority: the operator trusts it through
  // NODE_EXTRA_CA_CERTS (docs/OPERATIONS.md), which Node reads at start-up, hence a process of its own.
  const fetchInProcess = async (env: Record<string, string>) => {
    const script = fileURLToPath(new URL('./fixtures/fetch-xml-req-url.ts', import.meta.url));
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, `https://127.0.0.1:${port}/ok.xml`], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
    });
    return stdout;
  };

  it('fetches over https from a host whose certificate authority the operator trusts', async () => {
    const ca = fileURLToPath(new URL('./fixtures/self-signed.crt', import.meta.url));
    expect(await fetchInProcess({ NODE_EXTRA_CA_CERTS: ca })).toBe(GOOD_XML);
    expect(await fetchInProcess({})).toMatch(/^refused: request failed: .*certificate/i);
  });
});
