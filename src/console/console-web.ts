import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/session';
import type {} from '@fastify/csrf-protection';
import type { SignedInAccount } from '../auth/signed-in.ts';
import { queryFields, storableText } from '../request/collect-params.ts';
import { PAGE_PATH } from '../request/page-request.ts';
import type { Html } from './html.ts';
import { CONSOLE_PATH, type PageContext } from './layout.ts';
import type { PanelData } from './answer-panel.ts';

/** What the console's pages share: their session's contents, their fields, how they answer. */
declare module 'fastify' {
  interface Session {
    account?: SignedInAccount;
    /** An action's answer, shown once on the page a browser without script is sent back to. */
    flash?: PanelData;
    /** A sandbox rule that was not set: the form as filled in, and why, shown once. */
    sandboxRefusal?: { values: Record<string, string>; error: string };
  }
  interface FastifyContextConfig {
    /** The route is for visitors who are not signed in (sign-in page). */
    signedOut?: boolean;
  }
}

export const SESSION_COOKIE = 'omis_console';
export const CSRF_COOKIE = 'omis_csrf';

/** Keys of the console's cookies, derived from the signing secret every instance shares (OMIS_SECRET or the one in the database). */
export function consoleKeys(signingSecret: string) {
  const derive = (purpose: string) => createHmac('sha256', signingSecret).update(`omis-console:${purpose}`).digest('base64url');
  return { session: derive('session-cookie'), cookie: derive('cookie-signing'), csrf: derive('csrf-hmac') };
}

type Pairs = ReadonlyArray<readonly [string, string]>;

/**
 * The fields of a console page's request: its query string (read as the page reads one), then its
 * urlencoded form; a name in any letter case, its first value. (The console's own forms, not the
 * page's parameters: those only src/request/ reads.)
 */
export class FormFields {
  readonly #values = new Map<string, string>();

  constructor(pairs: Pairs) {
    for (const [name, value] of pairs) {
      const key = name.toLowerCase();
      if (!this.#values.has(key)) this.#values.set(key, value);
    }
  }

  get(name: string): string | undefined {
    return this.#values.get(name.toLowerCase());
  }

  /** The value without surrounding white space; undefined when absent or blank. */
  text(name: string): string | undefined {
    const value = this.get(name)?.trim();
    return value === '' ? undefined : value;
  }
}

export function fieldsOf(request: FastifyRequest): FormFields {
  const body = Array.isArray(request.body) ? (request.body as Pairs) : [];
  // Text PostgreSQL can store (no NUL, no lone surrogate), as the page makes its own fields.
  return new FormFields([...queryFields(request.raw.url ?? ''), ...storableText(body)]);
}

/** The CSRF token of a request: the header htmx sends, or the form's hidden field. */
export function csrfTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  return fieldsOf(request).get('_csrf');
}

/** The user the CSRF token is bound to, so that one session's token is worth nothing in another. */
export const csrfUser = (request: FastifyRequest) => (request.session?.account ? `account:${request.session.account.userId}` : 'signed-out');

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return { account: request.session.account, csrfToken: reply.generateCsrf({ userInfo: csrfUser(request) }) };
}

export const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true';

export function sendHtml(reply: FastifyReply, body: Html, status = 200) {
  // Pages show one account's records: never kept by a browser or a proxy.
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.text);
}

/** The page's absolute URL as this browser reaches the server (for the requests to copy). */
export function pageUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${PAGE_PATH}`;
}

/** Back to the sign-in page (htmx follows HX-Redirect; a page load follows a 303). */
export function toSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (isHtmx(request)) return reply.header('hx-redirect', `${CONSOLE_PATH}/sign-in`).code(204).send();
  const next = request.method === 'GET' ? request.url : undefined;
  return reply.redirect(`${CONSOLE_PATH}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
}

/** Where to go after signing in: a console path of this server, nothing else. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && next.startsWith(`${CONSOLE_PATH}/`) && !next.includes('//') && !/[\\\r\n]/.test(next) ? next : `${CONSOLE_PATH}/`;
}
