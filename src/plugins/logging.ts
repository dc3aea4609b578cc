import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import pino from 'pino';
import type { Config } from '../config/config.ts';
import { REDACTED, redactUrl } from '../request/secret-names.ts';

/**
 * Logs (pino, through Fastify): one request id per request, taken from a proxy's X-Request-Id when
 * it is a sane token and echoed back; and no secrets. The page reads its parameters from the raw URL
 * (legacy clients send ManagerPassword and whole XmlRequest documents in the query string), so the
 * request serializer rewrites the logged URL with those values replaced, by the rule the request
 * journal follows too (request/secret-names.ts).
 */

interface SerializableRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number | undefined };
}

/** Fastify's usual request fields, with the URL redacted. */
export function serializeRequest(request: SerializableRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A proxy's request id when it is a plain token (so logs cannot be forged through it), else a new one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Fastify's usual `res` field. */
export function serializeReply(reply: { statusCode: number }) {
  return { statusCode: reply.statusCode };
}

/** Both loggers' serializers: the request with its URL redacted, the answer's status. */
const serializers = { req: serializeRequest as never, res: serializeReply as never };

/**
 * One log line per request at `info`, written when the answer has gone: Fastify's usual pair
 * (`incoming request` + `request completed`) doubled the logging, which was a fifth of a request's
 * CPU (docs/PERFORMANCE.md). The completion line carries the request's fields too, so
 * nothing is lost; `incoming request` is still there at `debug`, to see requests that never finish.
 *
 * The completion line of an answered request goes through `lines`: a logger on the same
 * stream whose serializers are the whole line — the request id, the request (URL already redacted),
 * the status and the time — and which therefore needs no redaction paths. pino's redaction copies
 * the objects of every line it writes (some 16 KB a request, a tenth of the server's CPU) and would
 * find nothing to hide in this one (docs/PERFORMANCE.md). Every other line keeps the redaction.
 */
export class OneLinePerRequest extends LogController {
  readonly #lines: pino.Logger | undefined;

  /** `lines` is undefined when nothing is logged at all. */
  constructor(lines: pino.Logger | undefined) {
    super();
    this.#lines = lines;
  }

  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, responseTime: reply.elapsedTime, err: error }, 'request errored');
    // The request's own level decides, as it would for reply.log (a route may log at warn only).
    else if (pino.levels.values[request.log.level]! <= pino.levels.values.info!) {
      this.#lines?.info({ reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}

/**
 * Standard output, written asynchronously and in batches: lines are gathered until 4 KiB have
 * accumulated (or half a second has passed) and then written by one system call, off the event
 * loop; one write per line cost the server more CPU than building the line (docs/PERFORMANCE.md). pino flushes what is left when the process exits, on a signal or an error
 * too; only a kill -9 can lose the last half second of lines.
 */
export const LOG_BATCH_BYTES = 4096;
export const LOG_FLUSH_MS = 500;

export function stdoutDestination() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES });
  const timer = setInterval(() => {
    // flush() throws while the destination is still opening or once it is closed; nothing is lost then.
    try {
      destination.flush();
    } catch {
      // Next tick of the timer, or pino's own flush at exit.
    }
  }, LOG_FLUSH_MS);
  timer.unref();
  destination.on('close', () => clearInterval(timer));
  return destination;
}

/** The logger part of the Fastify options (app.ts fastifyOptions). */
export function loggingOptions(
  config: Config,
  stream?: NodeJS.WritableStream,
): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'requestIdHeader' | 'logController'> {
  const destination = config.LOG_LEVEL === 'silent' && !stream ? undefined : (stream ?? stdoutDestination());
  return {
    genReqId: requestId,
    // Read by requestId above, after checking it.
    requestIdHeader: false,
    logController: new OneLinePerRequest(
      destination && pino({ level: config.LOG_LEVEL, serializers }, destination),
    ),
    logger: !destination
      ? false
      : {
          level: config.LOG_LEVEL,
          stream: destination,
          serializers,
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["x-api-key"]',
              'res.headers["set-cookie"]',
              '*.ManagerPassword',
              '*.managerPassword',
              '*.password',
              '*.XmlRequest',
              '*.OMIS_SECRET',
              '*.secret',
            ],
            censor: REDACTED,
          },
          },
  };
}

/**
 * Echoes the request id, so a client's report can be matched with the server's log; answers unknown
 * paths without Fastify's default log line, which would carry the raw URL (and any password in it).
 */
export default fp(
  async (app) => {
    // Callback-style hooks on every request: no promise per request.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    app.setNotFoundHandler(async (request, reply) => {
      request.log.info({ method: request.method, url: redactUrl(request.url) }, 'no such route');
      return reply.code(404).type('text/plain; charset=utf-8').send('Not Found');
    });
  },
  { name: 'request-id' },
);
