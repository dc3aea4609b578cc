import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { addressRefusal, hostAsAddress } from './address-policy.ts';
import { matchHost } from '../config/host-list.ts';

/**
 * Fetches the document an `XmlReqUrl` names (docs/API.md#xmlrequrl) without letting a request turn the
 * server into a proxy into its own network:
 * - http or https only, no user name or password in the URL;
 * - the host must be on OMIS_XMLREQURL_HOSTS;
 * - the name is resolved once, every address it resolves to is checked (no loopback, private,
 *   link-local, CGNAT, multicast, unspecified… unless the host is listed exactly), and the
 *   connection goes to the addresses that were checked: a second, different DNS answer
 *   (rebinding) is never asked for;
 * - no redirect is followed (any answer but 200 is a failure);
 * - one deadline (5 s) covers resolution, connection, headers and body;
 * - the body may not exceed the XML size limit, counted while it streams;
 * - the answer must be XML or plain text, not compressed.
 * Every failure is ErrorCode 104; `reason` says why, for the log.
 */
export const XML_REQ_URL_TIMEOUT_MS = 5000;

export class XmlReqUrlError extends ApiError {
  constructor(readonly reason: string) {
    super(ErrorCodes.XML_URL_FAILED);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface XmlFetchOptions {
  hosts: readonly string[];
  maxBytes: number;
  timeoutMs?: number;
  /** DNS resolution; the system resolver (getaddrinfo, as the OS resolves names) by default. */
  resolve?: Resolver;
}

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

// text/xml, application/xml, application/rss+xml…; plain text and unlabelled bodies are accepted
// too (static file servers label .xml files in many ways), HTML, JSON, images and the rest are not.
const ACCEPTED_TYPE = /^(text\/xml|application\/xml|[a-z]+\/[a-z0-9.+-]*\+xml|text\/plain|application\/octet-stream)$/;

function fail(reason: string): never {
  throw new XmlReqUrlError(reason);
}

/** Parses and checks a URL before anything is resolved or connected. */
export function checkXmlReqUrl(raw: string, hosts: readonly string[]): { url: URL; match: 'exact' | 'pattern' } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`scheme ${url.protocol} is not http or https`);
  if (url.username !== '' || url.password !== '') return fail('credentials in the URL');
  const match = matchHost(url.hostname, url.port, hosts);
  if (!match) return fail(`host ${url.hostname} is not on OMIS_XMLREQURL_HOSTS`);
  return { url, match };
}

/** Resolves the host and checks every address, refusing the lot if the policy forbids any. */
async function checkedAddresses(url: URL, match: 'exact' | 'pattern', resolve: Resolver, signal: AbortSignal): Promise<ResolvedAddress[]> {
  const literal = hostAsAddress(url.hostname);
  let addresses: ResolvedAddress[];
  if (literal !== undefined) addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await abortable(resolve(url.hostname), signal);
    } catch (error) {
      if (error instanceof XmlReqUrlError) throw error;
      return fail(`cannot resolve ${url.hostname}`);
    }
  }
  if (addresses.length === 0) return fail(`no address for ${url.hostname}`);
  // Every answer is checked, not only the first: a mixed answer is a rebinding attempt.
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, match);
    if (refusal) return fail(refusal);
  }
  return addresses;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new XmlReqUrlError('timed out'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new XmlReqUrlError('timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * A lookup that answers with the checked addresses only, so the socket can go nowhere else. Node
 * asks for all of them (happy eyeballs) and tries each in turn: a name whose first answer is ::1
 * still reaches a server listening on 127.0.0.1 only.
 */
function pinnedLookup(targets: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, targets.map(({ address, family }) => ({ address, family })));
    else callback(null, targets[0]!.address, targets[0]!.family);
  };
}

/** Fetches the XML document an XmlReqUrl names; throws XmlReqUrlError (104) on any failure. */
export async function fetchXmlReqUrl(raw: string, options: XmlFetchOptions): Promise<Buffer> {
  const { url, match } = checkXmlReqUrl(raw, options.hosts);
  const signal = AbortSignal.timeout(options.timeoutMs ?? XML_REQ_URL_TIMEOUT_MS);
  const targets = await checkedAddresses(url, match, options.resolve ?? systemResolver, signal);
  try {
    return await download(url, targets, options.maxBytes, signal);
  } catch (error) {
    // Whatever http.request itself might throw is a failed fetch too, never a 9999.
    if (error instanceof XmlReqUrlError) throw error;
    return fail(`request failed: ${(error as Error).message}`);
  }
}

function download(url: URL, targets: readonly ResolvedAddress[], maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const finish = (error: XmlReqUrlError | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(body!);
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'GET',
        // A fresh connection each time: a pooled socket could be one opened to another address.
        agent: false,
        lookup: pinnedLookup(targets),
        signal,
        maxHeaderSize: 16 * 1024,
        headers: {
          accept: 'text/xml, application/xml;q=0.9, text/plain;q=0.5',
          'accept-encoding': 'identity',
          'user-agent': 'omis-taskmanager XmlReqUrl',
          connection: 'close',
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) return finish(new XmlReqUrlError(status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP status ${status}`));
        const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
        if (encoding !== 'identity' && encoding !== '') return finish(new XmlReqUrlError(`content-encoding ${encoding}`));
        const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== '' && !ACCEPTED_TYPE.test(type)) return finish(new XmlReqUrlError(`content-type ${type} is not XML`));
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > maxBytes) return finish(new XmlReqUrlError(`content-length ${declared} over the limit`));
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return finish(new XmlReqUrlError(`body over ${maxBytes} bytes`));
          chunks.push(chunk);
        });
        response.on('end', () => finish(undefined, Buffer.concat(chunks)));
        response.on('aborted', () => finish(new XmlReqUrlError('connection closed mid-body')));
        response.on('error', () => finish(new XmlReqUrlError(signal.aborted ? 'timed out' : 'connection failed mid-body')));
      },
    );
    request.on('error', (error) => finish(new XmlReqUrlError(signal.aborted ? 'timed out' : `request failed: ${error.message}`)));
    request.end();
  });
}
