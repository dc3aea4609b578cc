import type { IncomingMessage } from 'node:http';

/**
 * The whole-body limit of a multipart request, however the body arrives (Content-Length or
 * chunked). The multipart reader pipes the raw request into its parser and counts only parts and
 * fields; this meter counts the bytes themselves. Once they pass the limit it stops reading at
 * once — the parser is cut off and the socket paused, so nothing more is taken into memory — and
 * `exceeded` rejects, which the reader turns into a 413 (ErrorCode 107) on a closing connection.
 *
 * It must be attached after the parser has been piped (a 'data' listener before that would start
 * the flow and the parser would miss those bytes).
 */
export class BodyOverLimitError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = 'BodyOverLimitError';
  }
}

export interface BodyMeter {
  /** Rejects with BodyOverLimitError when the body passes the limit; never resolves. */
  exceeded: Promise<never>;
  /** Stops counting (the body was read within the limit). */
  stop(): void;
}

export function meterBody(raw: IncomingMessage, limit: number): BodyMeter {
  let seen = 0;
  let fail!: (error: BodyOverLimitError) => void;
  const exceeded = new Promise<never>((_resolve, reject) => (fail = reject));
  // Nobody may be listening when the body is read within the limit.
  exceeded.catch(() => {});
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= limit) return;
    stop();
    raw.unpipe();
    raw.pause();
    fail(new BodyOverLimitError(limit));
  };
  const stop = () => raw.removeListener('data', onData);
  raw.on('data', onData);
  return { exceeded, stop };
}
