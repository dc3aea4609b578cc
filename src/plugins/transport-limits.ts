import { createRequire } from 'node:module';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer } from '../render/answer.ts';
import { answerMessage, sendAnswer } from '../render/send-answer.ts';
import { percentEncodeRequestLine, readableTarget } from '../request/raw-request-line.ts';
import { sendHttpError } from '../render/http-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/error-codes.ts';
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
 * Requests Node's HTTP parser refuses before Fastify sees them are answered by answerClientError below.
 */
export default fp(
  async (app) => {
    const pageOptions = () => app.services.pageOptions;
    const isPage = (request: FastifyRequest) => request.routeOptions.url === PAGE_PATH;

    // The page's own answer for a request its handler never saw, in the form the query string asks for.
    const answerPage = (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, status: number) => {
      const page = malformedPageRequest(request.raw.url ?? '', request.ip, status, pageOptions(), request.headers.accept);
      const answer = errorAnswer(code, page.echo, undefined, status);
      request.pageOutcome = { errorCode: code, label: page.label };
      request.pageJournal = { page, answer };
      return sendAnswer(reply, answer, page.plan);
    };

    const malformed = (request: FastifyRequest, reply: FastifyReply, status: number, reason: string) => {
      request.log.info({ status, reason }, 'malformed request; answering 107');
      reply.header('connection', 'close');
      return isPage(request) ? answerPage(request, reply, ErrorCodes.MALFORMED, status) : sendHttpError(reply, status, reason);
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

    // Requests Node's parser refuses: the page's answer rather than Fastify's JSON one, which goes.
    app.server.removeAllListeners('clientError');
    app.server.on('clientError', (error: Error, socket: Socket) => answerClientError(app, error, socket));

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return malformed(request, reply, status, error.message.split('\n')[0]!.slice(0, 200));
      request.log.error({ err: error }, 'unexpected error; answering 9999');
      return isPage(request) ? answerPage(request, reply, ErrorCodes.UNAVAILABLE, 503) : sendHttpError(reply, 503, 'Service temporarily unavailable');
    });
  },
  { name: 'transport-limits', dependencies: ['services', 'journal-hooks'] },
);

/** A parse error of Node's HTTP server, with what its parser had in hand. */
interface ClientError extends NodeJS.ErrnoException {
  /** The bytes the parser was working through when it failed. */
  rawPacket?: Buffer;
  /** Where in rawPacket it failed. */
  bytesParsed?: number;
}

/** Sockets already answered with 107: a further parse error on them is not answered again. */
const answered = new WeakSet<Socket>();

/** The HTTP status that names the parse error: header block too large, too slow, or malformed. */
function statusOf(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

/**
 * Node's HTTP server refused a request before Fastify saw it (its `clientError` event). A request line carrying raw UTF-8, which IIS accepts, is taken again percent-encoded
 * (takeRequestAgain); anything else — a malformed request line or header, a header block over the
 * limit, a request arriving too slowly — gets the contract's answer: ErrorCode 107 in the form the
 * query string asks for when the request line can be read (XML otherwise), with the HTTP status that
 * says why, on a connection that then closes. Never JSON, plain text or an empty body.
 */
function answerClientError(app: FastifyInstance, reported: Error, socket: Socket): void {
  const error = reported as ClientError;
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  if (error.code === 'HPE_INVALID_URL' && takeRequestAgain(app.server, socket, error)) return;
  answered.add(socket);
  const status = statusOf(error.code);
  app.log.info({ code: error.code, status, reason: error.message }, 'malformed request; answering 107');
  const url = readableTarget(error.rawPacket) ?? '';
  const answer = (): void => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const page = malformedPageRequest(url, socket.remoteAddress ?? '', status, app.services.pageOptions);
    socket.end(answerMessage(errorAnswer(ErrorCodes.MALFORMED, page.echo, undefined, status), page.plan), () => socket.destroy());
  };
  const pending = (socket as SocketWithResponse)._httpMessage as ServerResponse | undefined;
  if (!pending) return answer();
  const parsing = (socket as SocketWithResponse).parser?.incoming;
  if (parsing && !parsing.complete) {
    // The body of the request being answered is broken: answered now unless its answer has begun.
    if (pending.headersSent) socket.destroy();
    else answer();
    return;
  }
  // A request pipelined behind others failed: its answer follows theirs.
  afterPendingAnswers(socket as SocketWithResponse, answer);
}

/** Calls `then` once no answer is being written on the connection any more (pipelined ones in turn). */
function afterPendingAnswers(socket: SocketWithResponse, then: () => void): void {
  const pending = socket._httpMessage as ServerResponse | undefined;
  if (!pending) return then();
  pending.once('close', () => {
    if (!socket.destroyed) afterPendingAnswers(socket, then);
  });
}

interface SocketWithResponse extends Socket {
  /** Node's response in progress on this connection, if any. */
  _httpMessage?: unknown;
  /** The HTTP parser Node's server attached to this connection, and the request it is reading. */
  parser?: { incoming?: IncomingMessage | null } | null;
}

// What Node's HTTP server attaches to a connection (node:_http_server connectionListenerInternal),
// by the names of its listeners: detached here as Node detaches them for an upgrade.
const PARSER_LISTENERS: ReadonlyArray<[string, string]> = [
  ['data', 'bound socketOnData'],
  ['end', 'bound socketOnEnd'],
  ['close', 'bound socketOnClose'],
  ['drain', 'bound socketOnDrain'],
  ['timeout', 'socketOnTimeout'],
  ['resume', 'onSocketResume'],
  ['pause', 'onSocketPause'],
];
const { freeParser } = createRequire(import.meta.url)('_http_common') as { freeParser: (parser: unknown, request: null, socket: Socket) => void };

/**
 * Hands a request whose request line holds raw bytes ≥ 0x80 back to Node's strict parser with those
 * bytes percent-encoded (request/raw-request-line.ts): the failed parser is detached from the
 * socket, the rewritten bytes are put back in front of whatever else arrives, and the server takes
 * the socket as a new connection, so that the headers and the body are parsed exactly as always.
 * Only when the parser failed on the first line of the bytes it had, with no answer under way on the
 * connection, and Node's listeners are the ones expected; false otherwise (the request gets 107).
 * Only such a connection pays for it: its later bytes go through a JavaScript listener instead of
 * straight into the parser.
 */
function takeRequestAgain(server: Server, socket: SocketWithResponse, error: ClientError): boolean {
  const raw = error.rawPacket;
  if (!raw || error.bytesParsed === undefined || socket._httpMessage || !socket.parser || !socket.readable) return false;
  const rewritten = percentEncodeRequestLine(raw, error.bytesParsed);
  if (!rewritten) return false;
  const listeners = PARSER_LISTENERS.map(([event, name]) => [event, socket.listeners(event).filter((listener) => listener.name === name)] as const);
  if (listeners.some(([, found]) => found.length !== 1)) return false;
  for (const [event, [listener]] of listeners) socket.removeListener(event, listener as (...args: unknown[]) => void);
  freeParser(socket.parser, null, socket);
  socket.unshift(rewritten);
  server.emit('connection', socket);
  return true;
}
