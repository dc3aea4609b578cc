import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics, processRegistry } from './process-metrics.ts';

/**
 * The app's Prometheus instruments (prom-client), made before the services that feed them: answers
 * of the page by ErrorCode and by action label, latency of every route, how many requests shared
 * each read statement, argon2 verification time, the simulator's steps and, on PostgreSQL, the
 * connection pool. The page's route notes each answer on its request (`pageOutcome`); the
 * onResponse hook counts it. Exposed by routes/metrics.ts.
 */
declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
  interface FastifyRequest {
    /** What the page answered: its ErrorCode and the request's label (request/actions.ts). */
    pageOutcome: { errorCode: number; label: string } | undefined;
  }
}

export interface AppMetrics {
  /** This app's metrics merged with the process's. */
  text(): Promise<{ contentType: string; body: string }>;
  verifySeconds(seconds: number): void;
  readsPerStatement(size: number): void;
  simulatorStep(kind: string): void;
}

export default fp(
  async (app) => {
    collectProcessMetrics();
    const registry = new Registry();
    const pageAnswers = new Counter({
      name: 'omis_taskmanager_requests_total',
      help: 'Answers of TaskManager.aspx, by ErrorCode and by action',
      labelNames: ['error_code', 'action'] as const,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'omis_http_request_duration_seconds',
      help: 'Time from request to response, by route, method and HTTP status',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const verify = new Histogram({
      name: 'omis_argon2_verify_seconds',
      help: 'Time spent verifying a password with argon2 (a cached credential skips it)',
      buckets: [0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.25, 0.5, 1],
      registers: [registry],
    });
    const readBatches = new Histogram({
      name: 'omis_db_reads_per_statement',
      help: 'Requests whose reads (account, login state, record) shared one database statement',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    });
    const steps = new Counter({
      name: 'omis_simulator_steps_total',
      help: 'Simulator steps taken, by what they did',
      labelNames: ['kind'] as const,
      registers: [registry],
    });
    const pool = app.db.pool;
    if (pool) {
      const gauge = (name: string, help: string, read: () => number) =>
        new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
      gauge('omis_db_pool_connections', 'Connections the PostgreSQL pool holds', () => pool.totalCount);
      gauge('omis_db_pool_idle', 'Idle connections in the PostgreSQL pool', () => pool.idleCount);
      gauge('omis_db_pool_waiting', 'Queries waiting for a pool connection', () => pool.waitingCount);
      gauge('omis_db_pool_max', 'Largest size of the PostgreSQL pool', () => pool.options.max ?? 10);
    }

    app.decorate('metrics', {
      async text() {
        const merged = Registry.merge([processRegistry, registry]);
        return { contentType: merged.contentType, body: await merged.metrics() };
      },
      verifySeconds: (seconds: number) => verify.observe(seconds),
      readsPerStatement: (size: number) => readBatches.observe(size),
      simulatorStep: (kind: string) => steps.inc({ kind }),
    } satisfies AppMetrics);

    app.decorateRequest('pageOutcome', undefined);
    // Callback style: no promise per request.
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      // Unmatched URLs share one label: a scanner must not create a time series per path.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      const outcome = request.pageOutcome;
      if (outcome) pageAnswers.inc({ error_code: String(outcome.errorCode), action: outcome.label });
      done();
    });
  },
  { name: 'metrics', dependencies: ['database'] },
);
