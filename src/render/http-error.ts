import type { FastifyReply } from 'fastify';

/**
 * The HTTP errors of the routes beside the page (the report link, health, metrics, unknown paths):
 * a status and one line of plain text. The page itself never answers this way: its every answer,
 * errors included, goes through render/send-answer.ts in the form the request asked for.
 */
export function sendHttpError(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(`${message}\n`);
}
