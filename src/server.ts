import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.ts';

/**
 * Starts the app on PORT/HOST and closes it gracefully on SIGINT/SIGTERM: in-flight requests finish,
 * new connections are refused, then the database closes.
 */
export async function startServer(options: AppOptions & { onClose?: () => Promise<void> }): Promise<FastifyInstance> {
  const app = await buildApp(options);
  app.server.keepAliveTimeout = 5_000;
  app.server.requestTimeout = 30_000;
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    await app.close();
    await options.onClose?.();
  });
  await app.listen({ port: options.config.PORT, host: options.config.HOST });
  return app;
}
