import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/config.ts';
import type { Database } from './db/database.ts';
import databasePlugin from './plugins/database.ts';
import bodyParsers from './plugins/body-parsers.ts';
import transportLimits from './plugins/transport-limits.ts';
import taskManagerRoute from './routes/task-manager.ts';
import reportRoute from './reports/report-route.ts';
import consoleRoute from './routes/console.ts';
import healthRoute from './routes/health.ts';
import metricsPlugin from './plugins/metrics.ts';
import requestIdPlugin, { loggingOptions } from './plugins/logging.ts';
import simulatorPlugin from './plugins/simulator.ts';
import taskContextPlugin from './plugins/task-context.ts';
import journalPlugin from './plugins/journal.ts';
import type { RequestJournal } from './journal/request-journal.ts';

export interface AppOptions {
  config: Config;
  /** An already open (and migrated) database; the app opens its own from config otherwise. */
  database?: Database | undefined;
  /** CONSOLE: a request journal made by the caller (tests); the app makes its own otherwise. */
  journal?: RequestJournal | undefined;
}

/** Legacy clients put whole XML documents into the query string (CONTRACT.md §2): 64 KiB of it. */
export const MAX_QUERY_BYTES = 64 * 1024;

/** Options of the Fastify instance itself; the server and the tests both build with these. */
export function fastifyOptions(config: Config): FastifyServerOptions {
  return {
    // Request ids, and no passwords or XML requests in the logs (plugins/logging.ts).
    ...loggingOptions(config),
    // The request line counts against Node's header limit: room for a 64 KiB query plus headers.
    // (Fastify passes `http` to http.createServer; its types only describe it for HTTP/2.)
    ...({ http: { maxHeaderSize: MAX_QUERY_BYTES + 16 * 1024 } } as object),
    trustProxy: config.OMIS_TRUST_PROXY,
    bodyLimit: bodyBytes(config),
    routerOptions: {
      caseSensitive: false,
      // The page reads the raw query string with ASP.NET's rules (request/aspnet-decode.ts).
      querystringParser: () => ({}),
    },
  };
}

export function bodyBytes(config: Config): number {
  // An XmlRequest posted urlencoded can triple in size; keep at least Fastify's usual 1 MiB.
  return Math.max(1024 * 1024, config.OMIS_XML_MAX_BYTES * 4);
}

/** The whole application as one plugin. */
export async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  const { config } = options;
  await fastify.register(requestIdPlugin);
  await fastify.register(databasePlugin, { config, database: options.database });
  await fastify.register(metricsPlugin);
  await fastify.register(transportLimits, { queryBytes: MAX_QUERY_BYTES, bodyBytes: bodyBytes(config) });
  await fastify.register(bodyParsers, { bodyBytes: bodyBytes(config), fileBytes: config.OMIS_XML_MAX_BYTES });
  await fastify.register(taskContextPlugin, { config });
  await fastify.register(journalPlugin, { config, journal: options.journal });
  await fastify.register(taskManagerRoute, { config });
  await fastify.register(reportRoute, { config });
  await fastify.register(consoleRoute, { config });
  await fastify.register(healthRoute);
  await fastify.register(simulatorPlugin, { config });
}

/** A ready Fastify instance with the app registered (not listening). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const fastify = Fastify(fastifyOptions(options.config));
  await fastify.register(app, options);
  await fastify.ready();
  return fastify;
}
