import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/config.ts';
import { sendHttpError } from '../render/http-error.ts';

/**
 * GET /metrics (Prometheus). The counters tell an observer how many passwords are being checked and
 * how they are answered, so they are not for everyone: with OMIS_METRICS_TOKEN set, only a request
 * carrying `Authorization: Bearer <token>` is answered (from anywhere); without it, only clients on
 * the loopback interface are (the client address as the server sees it, after OMIS_TRUST_PROXY).
 */
export default async function metricsRoute(app: FastifyInstance, { config }: { config: Config }) {
  const token = config.OMIS_METRICS_TOKEN === undefined ? undefined : Buffer.from(`Bearer ${config.OMIS_METRICS_TOKEN}`);
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (token) {
      if (!carries(request, token)) return sendHttpError(reply.header('www-authenticate', 'Bearer'), 401, 'Unauthorized: /metrics needs its bearer token (OMIS_METRICS_TOKEN).');
    } else if (!isLoopback(request.ip)) {
      return sendHttpError(reply, 403, 'Forbidden: /metrics answers loopback clients only unless OMIS_METRICS_TOKEN is set.');
    }
    const { contentType, body } = await app.metrics.text();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
}

function carries(request: FastifyRequest, token: Buffer): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  return given.length === token.length && timingSafeEqual(given, token);
}

export function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'loopback';
}
