import type { FastifyInstance } from 'fastify';
import { renderForms } from '../console/forms-page.ts';
import consolePlugin from '../console/console-plugin.ts';
import { CONSOLE_PATH } from '../console/layout.ts';
import { PAGE_PATH } from '../request/page-request.ts';

export const FORMS_PATH = '/WebAPI/forms';

/**
 * The console at /console (console/console-plugin.ts), which / leads to; the original document's
 * forms at /WebAPI/forms. /WebAPI/ (where the forms used to be) now leads to the console too.
 */
export default async function consoleRoute(app: FastifyInstance) {
  const { config } = app.services;
  await app.register(consolePlugin, { prefix: CONSOLE_PATH });

  const forms = renderForms({ pagePath: PAGE_PATH, consolePath: `${CONSOLE_PATH}/`, defaultReturnType: config.OMIS_DEFAULT_RETURN_TYPE, timeZone: config.OMIS_TIMEZONE });
  app.get(FORMS_PATH, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
      .send(forms),
  );

  for (const url of ['/', '/WebAPI/', '/WebAPI/index.html']) app.get(url, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  // The folder without its slash, as IIS answers it.
  app.get('/WebAPI', async (_request, reply) => reply.redirect('/WebAPI/', 301));
}
