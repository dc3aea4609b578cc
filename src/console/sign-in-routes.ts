import type { FastifyInstance } from 'fastify';
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
 */
export default async function signInRoutes(app: FastifyInstance) {
  app.get('/sign-in', { config: { signedOut: true } }, async (request, reply) => {
    if (request.session.account) return reply.redirect(`${CONSOLE_PATH}/`, 303);
    return sendHtml(reply, signInPage(pageContext(request, reply), { next: fieldsOf(request).text('next') }));
  });

  app.post('/sign-in', { config: { signedOut: true } }, async (request, reply) => {
    const fields = fieldsOf(request);
    const login = fields.text(Field.login);
    const password = fields.get(Field.password);
    const next = fields.text('next');
    const refuse = (message: string) => sendHtml(reply, signInPage(pageContext(request, reply), { login, error: message, next }), 200);
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
