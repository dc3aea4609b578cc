import { Field } from '../request/fields.ts';
import { escapeHtml } from './html.ts';

/**
 * The request a legacy client would send to get what the console just showed, in three forms: a
 * GET URL, a curl command (POST, so the password stays out of URLs and logs) and the HTML form of
 * the original document (pure). The console holds no password: each form is a list of pieces in
 * which the password is a hole, shown masked; the page's script fills the hole, encoded for that
 * form, with a password the user types (it never leaves the browser).
 */
export type SecretEncoding = 'url' | 'shell' | 'html';
export type Piece = string | { secret: SecretEncoding };

export interface CopyRequest {
  /** The page's absolute URL, e.g. http://127.0.0.1:8080/WebAPI/TaskManager.aspx. */
  pageUrl: string;
  login: string;
  /** The request's fields after the credentials, in order. */
  fields: ReadonlyArray<readonly [string, string]>;
  /** The submit button's caption, for the HTML form. */
  caption?: string;
}

export const MASK = '********';

/** A URL component as a browser's form encodes it; ASP.NET decodes it back exactly. */
const urlPart = (text: string) => encodeURIComponent(text);

/** Inside single quotes every character stands for itself except the quote. */
export const shellQuoted = (text: string) => text.replaceAll("'", `'\\''`);

export function getUrl(request: CopyRequest): Piece[] {
  const rest = request.fields.map(([name, value]) => `&${urlPart(name)}=${urlPart(value)}`).join('');
  return [`${request.pageUrl}?${Field.login}=${urlPart(request.login)}&${Field.password}=`, { secret: 'url' }, rest];
}

export function curlCommand(request: CopyRequest): Piece[] {
  const arg = (name: string, value: string) => ` \\\n  --data-urlencode '${shellQuoted(`${name}=${value}`)}'`;
  return [
    `curl '${shellQuoted(request.pageUrl)}'${arg(Field.login, request.login)} \\\n  --data-urlencode '${Field.password}=`,
    { secret: 'shell' },
    `'${request.fields.map(([name, value]) => arg(name, value)).join('')}`,
  ];
}

export function htmlForm(request: CopyRequest): Piece[] {
  const input = (name: string, value: string) => `  <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">\n`;
  return [
    `<form method="post" action="${escapeHtml(request.pageUrl)}" enctype="multipart/form-data">\n`,
    input(Field.login, request.login),
    `  <input type="hidden" name="${Field.password}" value="`,
    { secret: 'html' },
    '">\n',
    ...request.fields.map(([name, value]) => input(name, value)),
    `  <input type="submit" name="Submit" value="${escapeHtml(request.caption ?? 'Submit')}">\n</form>`,
  ];
}

/** The password as each form must carry it. */
export function encodeSecret(password: string, encoding: SecretEncoding): string {
  switch (encoding) {
    case 'url':
      return urlPart(password);
    case 'shell':
      return shellQuoted(password);
    case 'html':
      return escapeHtml(password);
  }
}

/** The text of a form, with the password masked or (given) in place. */
export function textOf(pieces: readonly Piece[], password?: string): string {
  return pieces.map((piece) => (typeof piece === 'string' ? piece : password === undefined ? MASK : encodeSecret(password, piece.secret))).join('');
}
