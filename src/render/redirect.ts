import { matchHost } from '../config/host-list.ts';
import { encodeValue, substitutePlaceholders, withPlaceholdersAs } from './placeholders.ts';
import type { Answer } from './answer.ts';

/**
 * Redirects (docs/API.md#redirects): `FailedUrl` when ErrorCode > 0, `SuccessfulUrl` (or the
 * document's `SuccessfulUr`) when it is 0, `ReferUrl` when the one that applies was not given;
 * none: the body. Which URLs may be used is judged here; reading them from a request and refusing a
 * request that gives one that may not (106, before anything is done) is request/redirect-targets.ts.
 *
 * Allowed: a relative URL (it stays on this server), or an http(s) URL whose host is on
 * OMIS_REDIRECT_HOSTS. Refused, with ErrorCode 106 and before the request is acted on: any other
 * scheme (`javascript:`, `data:`…), scheme-relative `//host`, `http:host` without `//`, a
 * backslash anywhere, a user name in the authority (`https://good@evil`), control characters
 * (CR/LF header injection), a `%` in the authority (encoded host tricks, or a placeholder that
 * could choose the host), a colon in the first segment of a relative URL, and any template that
 * would become one of these when its placeholders are empty or filled.
 */
export interface RedirectTargets {
  successful?: string;
  failed?: string;
  refer?: string;
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\u0000-\u001F\u007F\\]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** Why a concrete URL may not be redirected to, or undefined when it may. */
export function urlRefusal(url: string, hosts: readonly string[]): string | undefined {
  if (FORBIDDEN_CHAR.test(url)) return 'control character or backslash';
  const scheme = SCHEME.exec(url)?.[1];
  if (scheme === undefined) {
    if (url.startsWith('//')) return 'scheme-relative URL';
    const firstSegment = url.split(/[/?#]/, 1)[0]!;
    if (firstSegment.includes(':')) return 'colon in the first path segment';
    return undefined;
  }
  if (!/^https?$/i.test(scheme)) return `scheme ${scheme} is not http or https`;
  const rest = url.slice(scheme.length + 1);
  if (!rest.startsWith('//')) return 'absolute URL without //';
  const authority = rest.slice(2).split(/[/?#]/, 1)[0]!;
  if (authority === '') return 'no host';
  if (authority.includes('@')) return 'user information in the URL';
  if (authority.includes('%')) return 'percent sign in the host';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (!matchHost(parsed.hostname, parsed.port, hosts)) return `host ${parsed.hostname} is not on OMIS_REDIRECT_HOSTS`;
  return undefined;
}

/**
 * Why a template (placeholders still in it) may not be used, or undefined. Judged as written and
 * with every placeholder empty and filled: substituted values are URL-encoded (letters, digits
 * and %XX only), so a template that passes all three can only ever produce allowed URLs.
 */
export function templateRefusal(template: string, hosts: readonly string[]): string | undefined {
  if (FORBIDDEN_CHAR.test(template)) return 'control character or backslash';
  return urlRefusal(withPlaceholdersAs(template, ''), hosts) ?? urlRefusal(withPlaceholdersAs(template, 'x'), hosts) ?? urlRefusal(template, hosts);
}

/**
 * The URL as a Location header can carry it (printable ASCII only): an absolute URL in the URL
 * parser's form (an internationalised host in punycode, spaces and non-ASCII as %XX), a relative
 * one as written with only those characters encoded (it is resolved by the browser, not here).
 */
function headerSafe(url: string): string {
  if (SCHEME.test(url)) return new URL(url).href;
  return url.replace(/[^\x21-\x7E]+/g, encodeValue);
}

/** The Location to answer with, or undefined when the answer is the body. */
export function redirectLocation(targets: RedirectTargets, response: Answer, hosts: readonly string[]): string | undefined {
  const applicable = response.errorCode > 0 ? targets.failed : targets.successful;
  const template = applicable ?? targets.refer;
  if (template === undefined) return undefined;
  const url = substitutePlaceholders(template, response);
  // Cannot refuse a template that passed templateRefusal; checked again so that a future change
  // to substitution can never turn into an open redirect.
  if (urlRefusal(url, hosts) !== undefined) return undefined;
  // A template that is only placeholders the response leaves empty (`%launchid%` on an error)
  // would send an empty Location, which browsers take as this page again: answer the body.
  if (url.trim() === '') return undefined;
  return headerSafe(url);
}
