import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderConsole } from '../console/console-page.ts';
import { formCredentials } from '../request/form-credentials.ts';
import { PAGE_PATH } from '../request/page-request.ts';

export const CONSOLE_PATH = '/WebAPI/';

/**
 * The browser console (console/console-page.ts) at /WebAPI/ and /WebAPI/index.html, any letter case.
 * GET shows the forms; POST with ManagerLoginName and ManagerPassword shows them with the
 * credentials filled in. The page may hold a password: never cached, never framed.
 */
export default async function consoleRoute(app: FastifyInstance) {
  const { config } = app.services;
  const render = (credentials?: { login: string; password: string }) =>
    renderConsole({
      pagePath: PAGE_PATH,
      consolePath: CONSOLE_PATH,
      defaultReturnType: config.OMIS_DEFAULT_RETURN_TYPE,
      timeZone: config.OMIS_TIMEZONE,
      credentials,
    });

  const send = (reply: FastifyReply, html: string) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      )
      .send(html);

  for (const url of [CONSOLE_PATH, `${CONSOLE_PATH}index.html`]) {
    app.get(url, async (_request, reply) => send(reply, render()));
    app.post(url, async (request: FastifyRequest, reply) => {
      return send(reply, render(formCredentials(request.body)));
    });
  }
  // The folder without its slash, as IIS answers it.
  app.get('/WebAPI', async (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
}
