import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/config.ts';
import type { Database } from './db/database.ts';
import { bodyBytes, MAX_QUERY_BYTES } from './request/limits.ts';
import databasePlugin from './plugins/database.ts';
import metricsPlugin from './plugins/metrics.ts';
import servicesPlugin, { type Services } from './plugins/services.ts';
import transportLimits from './plugins/transport-limits.ts';
import bodyParsers from './plugins/body-parsers.ts';
import requestIdPlugin, { loggingOptions } from './plugins/logging.ts';
import simulatorPlugin from './plugins/simulator.ts';
import journalHooksPlugin from './plugins/journal.ts';
import taskManagerRoute from './routes/task-manager.ts';
import reportRoute from './routes/report.ts';
import consoleRoute from './routes/console.ts';
import healthRoute from './routes/health.ts';
import metricsRoute from './routes/metrics.ts';

export interface AppOptions {
  config: Config;
  /** An already open (and migrated) database; the app opens its own from config otherwise. */
  database?: Database | undefined;
  /** Services to use instead of the ones the app would build (tests). */
  overrides?: Partial<Services> | undefined;
}

/**
 * How long connections may be idle or slow. Set on the server the app is built with, so that the
 * tests' listening app and `omis serve` keep connections alike:
 *   - an idle keep-alive connection stays open OMIS_KEEPALIVE_SECONDS (IIS: 120 s);
 *   - a request must arrive whole, headers and body, within OMIS_REQUEST_TIMEOUT_SECONDS (408 after
 *     it). Node counts these only while a request is arriving, never on an idle connection, and
 *     looks for overdue requests every connectionsCheckingInterval: a client trickling its headers
 *     byte by byte is cut off at most that much after the timeout.
 */
export function connectionTimeouts(config: Config) {
  const requestMs = config.OMIS_REQUEST_TIMEOUT_SECONDS * 1000;
  return {
    keepAliveTimeout: config.OMIS_KEEPALIVE_SECONDS * 1000,
    requestTimeout: requestMs,
    headersTimeout: requestMs,
    connectionsCheckingInterval: Math.min(5000, Math.max(250, requestMs / 2)),
  };
}

/** Options of the Fastify instance itself; the server and the tests both build with these. */
export function fastifyOptions(config: Config): FastifyServerOptions {
  const timeouts = connectionTimeouts(config);
  return {
    // Request ids, and no passwords or XML requests in the logs (plugins/logging.ts).
    ...loggingOptions(config),
    // The request line counts against Node's header limit: room for a 64 KiB query plus headers.
    // (Fastify passes `http` to http.createServer; its types only describe it for HTTP/2.)
    ...({
      http: {
        maxHeaderSize: MAX_QUERY_BYTES + 16 * 1024,
        // Node checks headersTimeout against requestTimeout when the server is made.
        requestTimeout: timeouts.requestTimeout,
        headersTimeout: timeouts.headersTimeout,
        connectionsCheckingInterval: timeouts.connectionsCheckingInterval,
      },
    } as object),
    keepAliveTimeout: timeouts.keepAliveTimeout,
    requestTimeout: timeouts.requestTimeout,
    trustProxy: config.OMIS_TRUST_PROXY,
    bodyLimit: bodyBytes(config.OMIS_XML_MAX_BYTES),
    routerOptions: {
      caseSensitive: false,
      // The page reads the raw query string with ASP.NET's rules (request/aspnet-decode.ts).
      querystringParser: () => ({}),
    },
  };
}

/** The whole application as one plugin: infrastructure, then services, then routes. */
export async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  const { config } = options;
  await fastify.register(requestIdPlugin);
  await fastify.register(databasePlugin, { config, database: options.database });
  await fastify.register(metricsPlugin);
  await fastify.register(servicesPlugin, { config, overrides: options.overrides });
  await fastify.register(journalHooksPlugin);
  await fastify.register(transportLimits);
  await fastify.register(bodyParsers, { bodyBytes: bodyBytes(config.OMIS_XML_MAX_BYTES), fileBytes: config.OMIS_XML_MAX_BYTES, requestEncoding: config.OMIS_REQUEST_ENCODING });
  await fastify.register(taskManagerRoute);
  await fastify.register(reportRoute);
  await fastify.register(consoleRoute);
  await fastify.register(healthRoute);
  await fastify.register(metricsRoute, { config });
  await fastify.register(simulatorPlugin);
}

/** A ready Fastify instance with the app registered (not listening). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const fastify = Fastify(fastifyOptions(options.config));
  await fastify.register(app, options);
  await fastify.ready();
  return fastify;
}
