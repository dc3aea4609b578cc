import type { FastifyInstance } from 'fastify';

/** The longest /healthz waits for the database before calling it down. */
export const HEALTH_DB_TIMEOUT_MS = 2000;

export interface HealthBody {
  status: 'ok' | 'unavailable';
  database: { kind: string; ok: boolean; ms?: number; error?: string };
  uptimeSeconds: number;
}

/**
 * GET /healthz: the process answers, and the database answers one round trip in time. 200 when
 * both do, 503 when the database does not (a load balancer then takes the instance out). The
 * error text is generic: a health check is often public and must not leak connection details.
 */
export default async function healthRoute(app: FastifyInstance) {
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), HEALTH_DB_TIMEOUT_MS);
    });
    let body: HealthBody;
    try {
      await Promise.race([app.db.ping(), timeout]);
      body = {
        status: 'ok',
        database: { kind: app.db.kind, ok: true, ms: Math.round((performance.now() - started) * 10) / 10 },
        uptimeSeconds: Math.round(process.uptime()),
      };
    } catch (error) {
      app.log.warn({ err: error }, 'health check: database did not answer');
      const reason = (error as Error).message === 'timed out' ? 'timed out' : 'unreachable';
      body = { status: 'unavailable', database: { kind: app.db.kind, ok: false, error: reason }, uptimeSeconds: Math.round(process.uptime()) };
      reply.code(503);
    } finally {
      clearTimeout(timer);
    }
    return reply.header('cache-control', 'no-store').send(body);
  });
}
