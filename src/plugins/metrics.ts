import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics, processRegistry } from '../metrics/process-metrics.ts';
import '../metrics/task-outcome.ts';
import { requestReaderOf } from '../tasks/read-batcher.ts';

/**
 * Prometheus metrics at GET /metrics (prom-client): requests to the page by ErrorCode and by action,
 * a latency histogram for every route, how many requests shared each read statement, argon2
 * verification time and Node's own metrics (process registry), and on PostgreSQL the connection pool. The page's outcome reaches here through
 * `recordTaskOutcome` (metrics/task-outcome.ts), called where every answer is rendered.
 */
export default fp(
  async (app) => {
    collectProcessMetrics();
    const registry = new Registry();
    const pageRequests = new Counter({
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
    const pool = app.db.pool;
    if (pool) {
      const gauge = (name: string, help: string, read: () => number) =>
        new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
      gauge('omis_db_pool_connections', 'Connections the PostgreSQL pool holds', () => pool.totalCount);
      gauge('omis_db_pool_idle', 'Idle connections in the PostgreSQL pool', () => pool.idleCount);
      gauge('omis_db_pool_waiting', 'Queries waiting for a pool connection', () => pool.waitingCount);
      gauge('omis_db_pool_max', 'Largest size of the PostgreSQL pool', () => pool.options.max ?? 10);
    }

    const readBatches = new Histogram({
      name: 'omis_db_reads_per_statement',
      help: "Requests whose reads (account, lockout state, record) shared one database statement",
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    });
    requestReaderOf(app.db).onBatch((size) => readBatches.observe(size));

    app.decorateRequest('taskOutcome', undefined);
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      // Unmatched URLs share one label: a scanner must not create a time series per path.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      const outcome = request.taskOutcome;
      if (outcome) pageRequests.inc({ error_code: String(outcome.errorCode), action: outcome.action });
      done();
    });

    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      const merged = Registry.merge([processRegistry, registry]);
      return reply.type(merged.contentType).header('cache-control', 'no-store').send(await merged.metrics());
    });
  },
  { name: 'metrics', dependencies: ['database'] },
);
