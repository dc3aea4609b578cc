import { aspnetUrlDecode } from './aspnet-decode.ts';

/**
 * Which parameters are secret, for everything that shows requests: the log (plugins/logging.ts) and
 * the request journal (tasks/journal-redact.ts) hide their values by the same rule.
 */
export const REDACTED = '[REDACTED]';

/** A parameter is secret when its name (decoded as the page decodes it, any case) is one of these… */
const SECRET_NAMES = new Set(['xmlrequest', 'signature', 'omis_secret']);
/** …or contains one of these. */
const SECRET_PARTS = ['password', 'secret', 'token'];

/**
 * Names already judged, as sent: clients repeat a handful of names, so the request line's redaction
 * (every request) mostly skips decoding them. Only short names, and emptied when full, so that
 * made-up names cannot make it large.
 */
const judged = new Map<string, boolean>();
const MAX_JUDGED = 1024;
const MAX_JUDGED_NAME = 64;

export function isSecretName(rawName: string): boolean {
  let secret = judged.get(rawName);
  if (secret === undefined) {
    const name = aspnetUrlDecode(rawName).trim().toLowerCase();
    secret = SECRET_NAMES.has(name) || SECRET_PARTS.some((part) => name.includes(part));
    if (rawName.length <= MAX_JUDGED_NAME) {
      if (judged.size >= MAX_JUDGED) judged.clear();
      judged.set(rawName, secret);
    }
  }
  return secret;
}

/** The URL with the values of secret query parameters replaced; everything else as sent. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  // Segment by segment (between `&`s), copying what is not a secret's value as it is. The next `=`
  // is looked for again only once the scan has passed it, so that a query of many segments without
  // one (`&&&…`) is read once, not once a segment.
  let redacted = url.slice(0, mark + 1);
  let eq = mark;
  for (let start = mark + 1; start <= url.length; ) {
    let end = url.indexOf('&', start);
    if (end < 0) end = url.length;
    if (eq < start) {
      eq = url.indexOf('=', start);
      // None left: past the end, so that no later segment looks again.
      if (eq < 0) eq = url.length + 1;
    }
    const name = eq < end ? url.slice(start, eq) : undefined;
    if (start > mark + 1) redacted += '&';
    redacted += name !== undefined && isSecretName(name) ? `${name}=${REDACTED}` : url.slice(start, end);
    start = end + 1;
  }
  return redacted;
}
