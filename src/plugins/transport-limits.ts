import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply } from 'fastify';
import { ErrorCodes } from '../errors/error-codes.ts';
import { errorResponse } from '../render/task-response.ts';
import { renderXml } from '../render/xml-response.ts';

/**
 * Limits of the transport (issue 7), each with a defined answer. A request that breaks one never
 * reaches the page, so its answer is an HTTP status with a one-line text/plain reason, not an
 * ErrorCode (there is no request to answer yet):
 *   - query string over `queryBytes` (64 KiB, CONTRACT.md §2)           → 414
 *   - request line + headers over Node's maxHeaderSize (app.ts)          → 431 (answered by Fastify)
 *   - urlencoded body, or any other body, over `bodyBytes`               → 413
 *   - multipart body whose Content-Length is over `bodyBytes`            → 413 before reading it
 *   - multipart parts/fields/files over their counts, malformed multipart → 413 / 400 (collect-params.ts)
 *   - a Content-Length that does not match the body                      → 400
 * Anything unexpected that still escapes the page answers 9999 with HTTP 503, never a stack trace.
 */
export interface TransportLimits {
  queryBytes: number;
  bodyBytes: number;
}

export default fp<TransportLimits>(
  async (app, limits) => {
    // Callback style (no promise per request, issue 6): answering without calling done() ends the request here.
    app.addHook('onRequest', (request, reply, done) => {
      const url = request.raw.url ?? '';
      const mark = url.indexOf('?');
      // Node hands the request line over byte for byte (latin1), so length is the byte count.
      if (mark >= 0 && url.length - mark - 1 > limits.queryBytes) {
        sendMalformed(reply, 414);
        return;
      }
      const length = Number(request.headers['content-length'] ?? 0);
      if (request.headers['content-type']?.toLowerCase().startsWith('multipart/') && length > limits.bodyBytes) {
        sendMalformed(reply, 413);
        return;
      }
      done();
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        request.log.info({ reason: oneLine(error.message), status }, 'malformed request; answering 107');
        return sendMalformed(reply, status);
      }
      request.log.error({ err: error }, 'unexpected error outside the page; answering 9999');
      return reply.code(503).type('text/xml; charset=utf-8').send(renderXml(errorResponse(ErrorCodes.UNAVAILABLE)));
    });
  },
  { name: 'transport-limits' },
);

/**
 * A request the HTTP layer could not take apart: ErrorCode 107 in the contract's XML, with the HTTP
 * status that says why. The connection is closed: the rest of a body over its limit is not read.
 */
export function sendMalformed(reply: FastifyReply, status: number) {
  return reply
    .code(status)
    .header('connection', 'close')
    .header('cache-control', 'no-store')
    .type('text/xml; charset=utf-8')
    .send(renderXml(errorResponse(ErrorCodes.MALFORMED)));
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.slice(0, 200);
}
