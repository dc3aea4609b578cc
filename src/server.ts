import net from 'node:net';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.ts';

/** The server cannot listen where it was told to (PORT taken, not allowed, HOST not here): one line says why. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Starts the app on PORT/HOST and closes it gracefully on SIGINT/SIGTERM: in-flight requests finish,
 * new connections are refused, then the database closes. When it cannot listen, the app is closed
 * again (its simulator stopped) and a ListenError says why.
 */
export async function startServer(options: AppOptions & { onClose?: () => Promise<void> }): Promise<FastifyInstance> {
  // Keep-alive and request timeouts come with the app (app.ts connectionTimeouts), as in the tests.
  const app = await buildApp(options);
  try {
    await app.listen({ port: options.config.PORT, host: options.config.HOST });
  } catch (error) {
    await app.close();
    throw listenError(error, options.config.HOST, options.config.PORT);
  }
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    await app.close();
    await options.onClose?.();
  });
  return app;
}

/**
 * Fails with a ListenError when HOST:PORT cannot be listened on, before anything else is started:
 * `omis serve` checks this first, so a taken port costs no database, migration or simulator.
 * (Another process may still take the port in the moment between; startServer reports that alike.)
 */
export async function checkCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, () => resolve());
    });
  } catch (error) {
    throw listenError(error, host, port);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function listenError(error: unknown, host: string, port: number): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ListenError(`port ${port} is already in use (set PORT to use another)`);
    case 'EACCES':
      return new ListenError(`not allowed to listen on port ${port} (set PORT to use another)`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`cannot listen on ${host}: not an address of this machine (set HOST to use another)`);
    default:
      return error;
  }
}
