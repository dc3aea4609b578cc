import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import { isTransientDatabaseError } from '../db/wait-for-database.ts';
import { ConsoleSessionStore } from './session-store.ts';
import { consoleKeys, CSRF_COOKIE, csrfTokenOf, csrfUser, isHtmx, SESSION_COOKIE, sendHtml, toSignIn } from './console-web.ts';
import { messagePage } from './misc-pages.ts';
import { CONSOLE_PATH } from './layout.ts';
import launchRoutes from './launch-routes.ts';
import developerRoutes from './developer-routes.ts';
import signInRoutes from './sign-in-routes.ts';

/**
 * The console at /console (docs/CONSOLE.md), an encapsulated plugin: its cookies, session, CSRF
 * checks, security headers and error pages apply to its own routes and nothing else — the page's
 * answers to legacy clients are untouched.
 *
 * - Sessions: @fastify/session with a store in the database (session-store.ts); the cookie is
 *   HttpOnly, SameSite=Lax, Secure over https, signed with a key derived from the signing secret
 *   every instance shares, and lasts OMIS_CONSOLE_SESSION_MINUTES.
 * - CSRF: @fastify/csrf-protection on every request but GET: a secret in a signed SameSite=Strict
 *   cookie, a token per page bound to the signed-in account, sent as a hidden field or (htmx) a header.
 * - Headers: @fastify/helmet, with a CSP that allows this origin's scripts and styles only.
 */

const require = createRequire(import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  'htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'console.js': { file: new URL('./assets/console.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'console.css': { file: new URL('./assets/console.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
};

export default async function consolePlugin(app: FastifyInstance) {
  const { config, db, secret } = app.services;
  const keys = consoleKeys(secret);
  const lifetimeMs = config.OMIS_CONSOLE_SESSION_MINUTES * 60_000;

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Over plain http (the server's default) an HSTS header is ignored; behind TLS it keeps this host on https.
    hsts: { maxAge: 15_552_000, includeSubDomains: false },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const ctx = { account: undefined, csrfToken: '' };
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      if (isHtmx(request)) return reply.header('hx-refresh', 'true').code(403).send();
      return sendHtml(reply, messagePage(ctx, 'The form has expired', 'The form was older than this page, or came from elsewhere. Go back, reload the page and try again.'), 403);
    }
    if (isTransientDatabaseError(error)) {
      request.log.error({ reason: error.message }, 'console: database unavailable');
      return sendHtml(reply, messagePage(ctx, 'Service temporarily unavailable', 'The database cannot be reached (ErrorCode 9999). Try again in a moment.'), 503);
    }
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'console: request failed');
    return sendHtml(reply, messagePage(ctx, status === 500 ? 'Something went wrong' : 'Bad request', status === 500 ? 'The request failed; it is in the server log.' : 'This request cannot be handled.'), status);
  });

  app.setNotFoundHandler((request, reply) => sendHtml(reply, messagePage({ account: undefined, csrfToken: '' }, 'Not found', `There is no page ${request.url.split('?')[0]}.`), 404));

  // Read once; served with the page's CSP. No session, no database.
  const assets = new Map(Object.entries(ASSETS).map(([name, { file, type }]) => [name, { body: readFileSync(file), type }]));
  app.get('/assets/:name', (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body);
  });

  await app.register(async (pages) => {
    await pages.register(fastifyCookie, { secret: keys.cookie });
    await pages.register(fastifySession, {
      secret: keys.session,
      cookieName: SESSION_COOKIE,
      cookie: { path: CONSOLE_PATH, httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: lifetimeMs },
      store: new ConsoleSessionStore(db, lifetimeMs) as never,
      saveUninitialized: false,
      rolling: false,
    });
    await pages.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: CONSOLE_PATH, httpOnly: true, sameSite: 'strict', signed: true, secure: 'auto' },
      getToken: csrfTokenOf,
      getUserInfo: csrfUser,
      csrfOpts: { hmacKey: keys.csrf },
    });
    pages.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'GET' || request.method === 'HEAD') return done();
      pages.csrfProtection(request, reply, done);
    });
    pages.addHook('preHandler', async (request, reply) => {
      if (request.routeOptions.config.signedOut || request.session.account) return;
      return toSignIn(request, reply);
    });
    await pages.register(signInRoutes);
    await pages.register(launchRoutes);
    await pages.register(developerRoutes);
  });
}
