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

export function isSecretName(rawName: string): boolean {
  const name = aspnetUrlDecode(rawName).trim().toLowerCase();
  return SECRET_NAMES.has(name) || SECRET_PARTS.some((part) => name.includes(part));
}

/** The URL with the values of secret query parameters replaced; everything else as sent. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((segment) => {
      const eq = segment.indexOf('=');
      if (eq < 0) return segment;
      return isSecretName(segment.slice(0, eq)) ? `${segment.slice(0, eq)}=${REDACTED}` : segment;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}
