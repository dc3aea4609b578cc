import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, Licence, requireLicence } from '../auth/authenticate.ts';
import { failureKey } from '../auth/lockout.ts';
import { loginKey } from '../store/login-key.ts';
import { passwordStamp } from '../auth/signed-in.ts';
import { ErrorCodes, errorMessage, isApiError } from '../errors/error-codes.ts';
import { Field } from '../request/fields.ts';
import { deleteExpiredSessions } from '../store/console-sessions.ts';
import { fieldsOf, pageContext, safeNext, sendHtml, SESSION_COOKIE } from './console-web.ts';
import { CONSOLE_PATH } from './layout.ts';
import { signInPage } from './misc-pages.ts';

/**
 * Signing in and out. The password is checked by the page's own code (auth/authenticate.ts): the
 * same lockout (101 after OMIS_LOCKOUT_THRESHOLD failures, shared with the API and every
 * instance), the same credential cache, the same messages. A signed-in session keeps the account
 * and a fingerprint of its password hash (auth/signed-in.ts), never the password.
 *
 * A refused sign-in is posted, redirected and got like every other console form: its message
 * travels in a short-lived signed cookie to the sign-in page, so that the browser's history holds
 * no answer to a POST (Back after signing in never asks to resubmit a form), and no session is
 * stored for a visitor who is not signed in.
 */
export default async function signInRoutes(app: FastifyInstance) {
  app.get('/sign-in', { config: { signedOut: true } }, async (request, reply) => {
    if (request.session.account) return reply.redirect(`${CONSOLE_PATH}/`, 303);
    const refused = takeRefusal(request, reply);
    return sendHtml(reply, signInPage(pageContext(request, reply), { next: fieldsOf(request).text('next'), ...refused }));
  });

  app.post('/sign-in', { config: { signedOut: true } }, async (request, reply) => {
    const fields = fieldsOf(request);
    const login = fields.text(Field.login);
    const password = fields.get(Field.password);
    const next = fields.text('next');
    const refuse = (message: string) => refuseSignIn(reply, { login, error: message, next });
    if (login === undefined) return refuse(errorMessage(ErrorCodes.MISSING_FIELD, Field.login));
    if (!password) return refuse(errorMessage(ErrorCodes.MISSING_FIELD, Field.password));
    const { reader, lockout, passwords, credentials, db } = app.services;
    // The page's own read (account and login state) and its own authentication.
    const read = await reader.read({ loginKey: loginKey(login), failureKey: failureKey(login) });
    try {
      const caller = await authenticate(login, password, { lockout, passwords, cache: credentials, clientIp: request.ip }, read);
      requireLicence(caller, Licence.taskManager);
      await request.session.regenerate();
      request.session.account = { userId: caller.userId, login: caller.login, passwordStamp: passwordStamp(read.account!.password_hash) };
      await deleteExpiredSessions(db);
      request.log.info({ event: 'console-sign-in', login: caller.login }, 'console: signed in');
      return reply.redirect(safeNext(next), 303);
    } catch (error) {
      if (isApiError(error)) return refuse(error.message);
      throw error;
    }
  });

  app.post('/sign-out', { config: { signedOut: true } }, async (request, reply) => {
    if (request.session.account) await request.session.destroy();
    reply.clearCookie(SESSION_COOKIE, { path: CONSOLE_PATH });
    return reply.redirect(`${CONSOLE_PATH}/sign-in`, 303);
  });
}

const REFUSAL_COOKIE = 'omis_sign_in';
const REFUSAL_PATH = `${CONSOLE_PATH}/sign-in`;
/** Long enough to follow the redirect on a slow link; the message is shown once. */
const REFUSAL_SECONDS = 60;
const LONGEST_LOGIN = 200;

interface Refusal {
  login?: string;
  error: string;
}

function refuseSignIn(reply: FastifyReply, refusal: Refusal & { next?: string }) {
  const kept: Refusal = { login: refusal.login?.slice(0, LONGEST_LOGIN), error: refusal.error };
  reply.setCookie(REFUSAL_COOKIE, Buffer.from(JSON.stringify(kept)).toString('base64url'), {
    path: REFUSAL_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: 'auto',
    signed: true,
    maxAge: REFUSAL_SECONDS,
  });
  const next = refusal.next === undefined ? '' : `?next=${encodeURIComponent(refusal.next)}`;
  return reply.redirect(`${REFUSAL_PATH}${next}`, 303);
}

/** The refusal the last sign-in left for this page, once; a cookie that is not ours shows nothing. */
function takeRefusal(request: FastifyRequest, reply: FastifyReply): Partial<Refusal> {
  const raw = request.cookies[REFUSAL_COOKIE];
  if (raw === undefined) return {};
  reply.clearCookie(REFUSAL_COOKIE, { path: REFUSAL_PATH });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return {};
  try {
    const { login, error } = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Refusal;
    return typeof error === 'string' ? { login: typeof login === 'string' ? login : undefined, error } : {};
  } catch {
    return {};
  }
}
