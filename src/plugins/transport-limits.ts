import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer } from '../render/answer.ts';
import { sendAnswer } from '../render/send-answer.ts';
import { sendHttpError } from '../render/http-error.ts';
import { ErrorCodes } from '../errors/error-codes.ts';
import { malformedPageRequest, PAGE_PATH } from '../request/page-request.ts';
import { MAX_QUERY_BYTES } from '../request/limits.ts';

/**
 * Limits of the transport, and what HTTP-level failures are answered with. For the page every such
 * answer is the contract's (ErrorCode 107, in the form the query string asks for, HTTP 400/413/414;
 * 9999 with 503 for anything unexpected); for the other routes it is a one-line text.
 *   - query string over 64 KiB                                       → 414, before the body is read
 *   - multipart body whose Content-Length is over the body limit     → 413, before it is read
 *   - any other body over the limit, chunked or not (Fastify counts) → 413
 *   - a multipart body over the limit as it arrives, broken multipart → 413 / 400 (request/collect-params.ts)
 *   - a Content-Length that does not match the body                   → 400
 * A request refused for its size is answered on a closing connection: the rest of its body is not read.
 */
export default fp(
  async (app) => {
    const pageOptions = () => app.services.pageOptions;
    const isPage = (request: FastifyRequest) => request.routeOptions.url === PAGE_PATH;

    const malformed = (request: FastifyRequest, reply: FastifyReply, status: number, reason: string) => {
      request.log.info({ status, reason }, 'malformed request; answering 107');
      reply.header('connection', 'close');
      if (!isPage(request)) return sendHttpError(reply, status, reason);
      const page = malformedPageRequest(request.raw.url ?? '', request.ip, status, pageOptions(), request.headers.accept);
      const answer = errorAnswer(ErrorCodes.MALFORMED, page.echo, undefined, status);
      request.pageOutcome = { errorCode: ErrorCodes.MALFORMED, label: page.label };
      request.pageJournal = { page, answer };
      return sendAnswer(reply, answer, page.plan);
    };

    // Callback style (no promise per request): answering without calling done() ends the request here.
    app.addHook('onRequest', (request, reply, done) => {
      const url = request.raw.url ?? '';
      const mark = url.indexOf('?');
      // Node hands the request line over byte for byte (latin1), so length is the byte count.
      if (mark >= 0 && url.length - mark - 1 > MAX_QUERY_BYTES) {
        void malformed(request, reply, 414, `query string longer than ${MAX_QUERY_BYTES} bytes`);
        return;
      }
      const length = Number(request.headers['content-length'] ?? 0);
      const limit = pageOptions().bodyBytes;
      if (request.headers['content-type']?.toLowerCase().startsWith('multipart/') && length > limit) {
        void malformed(request, reply, 413, `request body larger than ${limit} bytes`);
        return;
      }
      done();
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return malformed(request, reply, status, error.message.split('\n')[0]!.slice(0, 200));
      request.log.error({ err: error }, 'unexpected error; answering 9999');
      if (!isPage(request)) return sendHttpError(reply, 503, 'Service temporarily unavailable');
      const page = malformedPageRequest(request.raw.url ?? '', request.ip, 503, pageOptions(), request.headers.accept);
      const answer = errorAnswer(ErrorCodes.UNAVAILABLE, page.echo);
      request.pageOutcome = { errorCode: ErrorCodes.UNAVAILABLE, label: page.label };
      request.pageJournal = { page, answer };
      return sendAnswer(reply, answer, page.plan);
    });
  },
  { name: 'transport-limits', dependencies: ['services', 'journal-hooks'] },
);
